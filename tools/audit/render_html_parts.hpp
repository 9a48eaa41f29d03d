// Pieces of the audit's HTML page (render_html.cpp puts them together): the verdict in words a clerk can sign
// under, each shift's timeline with a time axis, and a session's details as text and tables — every gap's reason
// and what became of it, statements, segments with their full SHA-256 and whether they were salvaged or stored
// late. Everything that comes from the store passes through common::core::escape_html. Internal to tools/audit.
#pragma once

#include "tools/audit/audit_report.hpp"

#include <string>
#include <string_view>

namespace bodycam::tools::audit::html {

// How the page names a verdict: a CSS class with its own colour, a heading and one sentence saying what it means.
// No exit codes: those are for programs (tools/README.md).
struct verdict_words {
  std::string_view css_class;
  std::string_view heading;
  std::string_view meaning;
};
[[nodiscard]] verdict_words words_for(chain::verdict v) noexcept;

// "2026-11-18 08:01:05Z"
[[nodiscard]] std::string short_utc(record::utc_time t);
// "12 min", "2.5 h", "40 s"
[[nodiscard]] std::string duration_words(std::chrono::nanoseconds d);

// One row per session: recording, gaps, statements, docking; under it an axis with times.
[[nodiscard]] std::string timeline(const device_audit& d);
// A session's heading, its gaps in sentences, statements, segments, officers/actions/marks and notes.
[[nodiscard]] std::string session_section(const session_audit& s);

}  // namespace bodycam::tools::audit::html
