// Supervision statistics as CSV and JSON (W1, W2 in stats_report.hpp).
#include "tools/catalogue/stats_report.hpp"

#include <cstdio>

namespace bodycam::tools::catalogue {

namespace {

std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string interruptions_text(const std::map<std::string, std::uint64_t>& interruptions) {
  std::string out;
  for (const auto& [reason, n] : interruptions) out += (out.empty() ? "" : ";") + reason + "=" + std::to_string(n);
  return out;
}

std::string stats_csv(const std::vector<stats_cell>& cells, std::string_view by) {
  std::string out = std::string(by) +
                    ",period,sessions,hours,statements_missing,statements_silent,interruptions,unexplained_gaps,"
                    "late_uploads,noted_share,categorised_share,exports\n";
  for (const auto& c : cells) {
    out += csv_field(c.group) + "," + csv_field(c.period) + "," + std::to_string(c.sessions) + "," + fixed(c.hours, 2) +
           "," + std::to_string(c.statements_missing) + "," + std::to_string(c.statements_silent) + "," +
           csv_field(interruptions_text(c.interruptions)) + "," + std::to_string(c.unexplained_gaps) + "," +
           std::to_string(c.late_uploads) + "," + fixed(c.noted_share(), 3) + "," + fixed(c.categorised_share(), 3) +
           "," + std::to_string(c.exports) + "\n";
  }
  return out;
}

nlohmann::json stats_cells_json(const std::vector<stats_cell>& cells) {
  auto out = nlohmann::json::array();
  for (const auto& c : cells)
    out.push_back({{"group", c.group},
                   {"period", c.period},
                   {"sessions", c.sessions},
                   {"hours", c.hours},
                   {"statements_missing", c.statements_missing},
                   {"statements_silent", c.statements_silent},
                   {"interruptions", c.interruptions},
                   {"unexplained_gaps", c.unexplained_gaps},
                   {"late_uploads", c.late_uploads},
                   {"noted", c.noted},
                   {"categorised", c.categorised},
                   {"noted_share", c.noted_share()},
                   {"categorised_share", c.categorised_share()},
                   {"exports", c.exports}});
  return out;
}

nlohmann::json stats_document(const std::vector<stats_cell>& cells, const stats_request& request,
                              const std::string& from_text, const std::string& to_text) {
  nlohmann::json j;
  j["format"] = "bodycam-stats";
  j["version"] = 1;
  j["by"] = std::string(to_string(request.group));
  j["period"] = std::string(to_string(request.period));
  j["from"] = from_text.empty() ? nlohmann::json() : nlohmann::json(from_text);
  j["to"] = to_text.empty() ? nlohmann::json() : nlohmann::json(to_text);
  j["cells"] = stats_cells_json(cells);
  return j;
}

}  // namespace bodycam::tools::catalogue
