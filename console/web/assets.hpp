// The console's one stylesheet and one script, compiled into the binary so that nothing is loaded from
// outside (DESIGN.md §9). The script plays a whole session: it feeds the <video id="player"> of the playback
// page through Media Source Extensions, appending each segment's fragmented MP4 in order as listed in the
// element's data-segments attribute (same-origin URLs; each fetch is a download with its own access entry).
#pragma once

#include <optional>
#include <string_view>

namespace bodycam::console::web {

struct static_asset {
  std::string_view content_type;
  std::string_view body;
};

// "/static/console.css" and "/static/console.js"; nullopt for anything else.
[[nodiscard]] std::optional<static_asset> find_static_asset(std::string_view path);

}  // namespace bodycam::console::web
