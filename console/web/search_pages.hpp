// The HTML of search and notes, as pure functions of plain data (the guarantees of pages.hpp hold: G1 every
// text escaped, G2 no inline script or style, G3 every POST form carries the CSRF token): the search page with
// its form and results, and the notes section of a session page — the current value of each field, the
// history of every field (who, when, old → new) and, for those the route table lets note, the form.
#pragma once

#include "console/web/note_form.hpp"
#include "console/web/pages.hpp"
#include "tools/catalogue/session_row.hpp"

#include <string>
#include <vector>

namespace bodycam::console::web {

struct search_results {
  std::vector<tools::catalogue::session_row> rows;  // this page's
  std::uint64_t total = 0;                          // every matching session the person may open
  std::uint64_t page = 1;
  std::optional<utc_time> refreshed;  // when the catalogue was last refreshed
  bool own_only = false;              // the person sees their own sessions only
};

// One change of one field, in the register's order (metadata_book N4).
struct note_change {
  std::string field;
  std::string old_value;  // "" when the field had no value before
  std::string new_value;
  std::string author;
  std::string entry;  // "notes/<author>.<seq>"
  utc_time utc{};
};

struct notes_view {
  std::vector<std::pair<std::string, std::string>> current;  // field → value, in field order
  std::vector<note_change> history;
  std::vector<std::string> left_out;  // "notes/x.3: unauthorized_author: ..." (findings on this session's notes)
  bool may_add = false;               // the route table lets this person note this session
  std::vector<std::string> categories;
};

[[nodiscard]] std::string render_search_page(const page_user& user, const form_fields& typed,
                                             const search_results& results);
[[nodiscard]] std::string render_notes_section(const page_user& user, const std::string& device,
                                               const std::string& session, const notes_view& notes);

}  // namespace bodycam::console::web
