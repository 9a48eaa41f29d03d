#include "tools/catalogue/search_query.hpp"

namespace bodycam::tools::catalogue {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

void add_exact(where_clause& w, std::vector<std::string>& terms, const char* column, const std::string& value) {
  if (value.empty()) return;
  terms.push_back(std::string("s.") + column + " = ?");
  w.binds.push_back({true, value, 0});
}

}  // namespace

std::string fts_phrase_list(std::string_view input) {
  std::string out;
  std::size_t i = 0;
  while (i < input.size()) {
    while (i < input.size() && is_space(input[i])) ++i;
    const std::size_t start = i;
    while (i < input.size() && !is_space(input[i])) ++i;
    if (i == start) break;
    if (!out.empty()) out += ' ';
    out += '"';
    for (char c : input.substr(start, i - start)) {
      if (c == '"') out += '"';  // Q2
      out += c;
    }
    out += '"';
  }
  return out;
}

std::string fts_expression(const search_query& q) {
  std::vector<std::string> parts;
  if (auto t = fts_phrase_list(q.text); !t.empty()) parts.push_back("(" + t + ")");
  if (auto p = fts_phrase_list(q.place); !p.empty()) parts.push_back("place : (" + p + ")");
  if (auto p = fts_phrase_list(q.party); !p.empty()) parts.push_back("party : (" + p + ")");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " AND ") + p;
  return out;
}

where_clause build_where(const search_query& q) {
  where_clause w;
  std::vector<std::string> terms;
  // The officer who wore the camera or one who joined: the typed filter, then the viewer's restriction (Q4).
  for (const std::string* officer : {&q.officer, &q.own_officer}) {
    if (officer->empty()) continue;
    terms.push_back("(s.officer = ? OR s.id IN (SELECT session_id FROM session_officers WHERE officer = ?))");
    w.binds.push_back({true, *officer, 0});
    w.binds.push_back({true, *officer, 0});
  }
  add_exact(w, terms, "device", q.device);
  add_exact(w, terms, "unit", q.unit);
  add_exact(w, terms, "category", q.category);
  add_exact(w, terms, "case_number", q.case_number);
  if (q.from) {
    terms.push_back("s.start_ns >= ?");
    w.binds.push_back({false, {}, q.from->time_since_epoch().count()});
  }
  if (q.to) {
    terms.push_back("s.start_ns < ?");
    w.binds.push_back({false, {}, q.to->time_since_epoch().count()});
  }
  if (auto match = fts_expression(q); !match.empty()) {
    terms.push_back("s.id IN (SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?)");
    w.binds.push_back({true, std::move(match), 0});
  }
  for (std::size_t i = 0; i < terms.size(); ++i) w.sql += (i == 0 ? "WHERE " : " AND ") + terms[i];
  return w;
}

}  // namespace bodycam::tools::catalogue
