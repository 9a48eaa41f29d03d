// Pure renderers of a dock_status and the pure router of the status server: every byte the HTTP server
// sends is produced here, so all of it is tested without sockets.
// Guarantees:
//  R1. render_json is valid JSON (nlohmann) with the field names of docs/formats/dock-status.md; times are
//      RFC 3339 UTC strings, durations integer seconds, absent optionals are null.
//  R2. render_metrics is Prometheus text exposition format 0.0.4: every metric has one # HELP and one # TYPE
//      line before its samples; label values are escaped (\\, \", \n); names match [a-zA-Z_:][a-zA-Z0-9_:]*.
//  R3. render_html is one self-contained page (no scripts, no external resources); every text taken from
//      the status is HTML-escaped, so a hostile device name cannot inject markup.
//  R4. route_status_request answers GET/HEAD of "/", "/status.json", "/metrics" (query strings ignored),
//      404 for any other path, 405 for any other method; malformed_request_reply (400) and
//      oversized_request_reply (413) are what the server sends for requests it cannot parse or that are too big.
//  R5. The three renderings carry the same truths: the slot's presence (docked, absent = no camera, refused,
//      failed, not_checked) and since when; the store up or down, since when and when last checked; the
//      throughput as measured (samples, window) or assumed (configured); the time the totals count from.
#pragma once

#include "common/core/html.hpp"
#include "ingest/status/dock_status.hpp"

#include <string>
#include <string_view>

namespace bodycam::ingest::status {

[[nodiscard]] std::string render_json(const dock_status& status);
[[nodiscard]] std::string render_metrics(const dock_status& status);
[[nodiscard]] std::string render_html(const dock_status& status);

// Helpers the renderers use, exposed for tests.
[[nodiscard]] std::string format_utc(utc_time t);                       // "2026-11-23T16:40:46Z"
[[nodiscard]] std::string format_duration(std::chrono::nanoseconds d);  // "3 h 05 min", "-12 min", "45 s"
using common::core::escape_html;  // common/core/html.hpp, the project's one HTML escaper
[[nodiscard]] std::string escape_label_value(std::string_view text);

inline constexpr std::string_view json_content_type = "application/json";
inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view html_content_type = "text/html; charset=utf-8";

struct status_reply {
  unsigned status_code = 200;  // 200, 400, 404, 405, 413
  std::string content_type;
  std::string body;
};

// `method` as on the request line ("GET"); `target` the request target ("/metrics?x=1").
// For HEAD the body is produced as for GET (the server sends only its length).
[[nodiscard]] status_reply route_status_request(std::string_view method, std::string_view target,
                                                const dock_status& status);
// `why` is the parser's complaint; only printable ASCII of it is echoed, at most 200 characters.
[[nodiscard]] status_reply malformed_request_reply(std::string_view why);
[[nodiscard]] status_reply oversized_request_reply();

}  // namespace bodycam::ingest::status
