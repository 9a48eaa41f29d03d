// The video filter graph between capture and encoder: scale to the configured size, convert to the encoder's
// pixel format, and burn in the OSD (libavfilter drawtext): UTC date-time of each frame, device id, officer
// id, the session line (action, case number, officers present; osd_text.hpp), and a "CLOCK NOT SYNCED"
// marker the daemon switches on when the clock cannot be trusted.
//   buffer → scale → format → drawtext@osd_text → drawtext@osd_session → drawtext@osd_clock
//   [→ drawtext@osd_place] → buffersink
// Invariants:
//  1. The time shown is the frame's own time: drawtext expands %{pts:gmtime:OFFSET}, where OFFSET is the UTC
//     of timeline zero, so a frame that waited in a queue still shows when it was captured.
//  2. Identifiers are drawn literally: '\' and '%' are escaped for drawtext's expansion, and options are set
//     with av_opt_set (no filtergraph string parsing, so ':' ',' '[' need no escaping).
//  3. The marker is a timeline switch ("enable") on its own drawtext; switching it never rebuilds the graph
//     and never drops a frame.
//  4. Without OSD the graph is only scale + format.
//  5. The place line (osd.place_line) is its own drawtext whose text is replaced by a "reinit" command;
//     set_place_text keeps only letters, digits, spaces, dots, '+' and '-', so neither drawtext's expansion
//     nor the command's option parser can read anything into it.
//  6. The session line is changed by a command to its own drawtext (reinit), like the marker: the graph is
//     never rebuilt and no frame is dropped; an empty line is switched off.
#pragma once

#include "firmware/media/av_handles.hpp"
#include "firmware/media/pipeline_config.hpp"

#include <memory>
#include <string>

namespace bodycam::firmware::media {

struct video_filter_spec {
  int width = 0;
  int height = 0;
  AVPixelFormat output_format = AV_PIX_FMT_YUV420P;
  timebase frame_base{};
  osd_config osd;
  std::string device_id;
  std::string officer_id;
  double utc_at_timeline_zero = 0;  // seconds since the epoch at pts 0
  bool clock_synced = true;
  std::string place_text = "NO FIX";  // the place line's first text, when osd.place_line
  std::string session_line;  // "" = none (osd_text.hpp)
};

class video_filter {
 public:
  [[nodiscard]] static common::core::expected<std::unique_ptr<video_filter>> create(const AVFrame& first,
                                                                                    const video_filter_spec& spec);
  // frame == nullptr ends the stream.
  [[nodiscard]] common::core::status push(AVFrame* frame);
  // true: `out` holds a filtered frame; false: the graph needs more input (or has ended).
  [[nodiscard]] common::core::expected<bool> pull(AVFrame* out);
  [[nodiscard]] common::core::status set_clock_synced(bool synced);
  // Replaces the place line's text from the next frame on; no-op without a place line (invariant 5).
  [[nodiscard]] common::core::status set_place_text(std::string_view text);
  [[nodiscard]] common::core::status set_session_line(std::string_view line);

  // The text drawn on line 2, as drawtext receives it (escaped; invariant 2).
  [[nodiscard]] static std::string escape_for_drawtext(std::string_view text);

 private:
  video_filter() = default;
  [[nodiscard]] common::core::status build(const AVFrame& first, const video_filter_spec& spec);

  av_filter_graph_ptr graph_;
  AVFilterContext* source_ = nullptr;  // owned by graph_
  AVFilterContext* sink_ = nullptr;
  bool has_clock_marker_ = false;
  bool has_place_line_ = false;
  bool has_session_line_ = false;
};

}  // namespace bodycam::firmware::media
