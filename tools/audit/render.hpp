// The three renderings of an audit_report: plain text for a terminal, JSON for programs (stable field names,
// the verifier's reason codes) and a self-contained HTML page for a clerk's browser (inline CSS and SVG, no
// script, no network): per device a timeline of each shift with recording, gaps and their reasons,
// statements, docking (receipts) and upload delay.
#pragma once

#include "tools/audit/audit_report.hpp"

#include <string>

#include <nlohmann/json.hpp>

namespace bodycam::tools::audit {

[[nodiscard]] std::string render_text(const audit_report& report);
[[nodiscard]] nlohmann::json render_json(const audit_report& report);
// One session as render_json shows it in its device's "sessions" (the console's JSON API reuses it).
[[nodiscard]] nlohmann::json session_json(const session_audit& session);
// `extra_sections`: HTML the caller rendered from other checks (the fleet table), placed before the registers.
[[nodiscard]] std::string render_html(const audit_report& report, std::string_view extra_sections = {});

// Colours the HTML timeline uses, so a screenshot test can look for them.
inline constexpr std::string_view html_recording_colour = "#1b9e3e";
inline constexpr std::string_view html_gap_colour = "#d62728";
inline constexpr std::string_view html_statement_colour = "#1f5fd6";
inline constexpr std::string_view html_stored_colour = "#8e44ad";

}  // namespace bodycam::tools::audit
