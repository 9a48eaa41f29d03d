// The note form of a session page and the search form, read and checked before anything is signed or asked:
// pure, so every hostile input is a unit test. A refusal names the form field, so the 400 page can say which.
// Guarantees:
//  F1. read_note_form takes the fields place, party, case, category and text; an empty field sets nothing; at
//      least one must be set. Each value passes the metadata register's own check (check_field_value: length,
//      UTF-8, no control characters; the text may hold line breaks, which browsers send as CR LF and are kept
//      as LF), and the category is one of `categories`. Nothing else is accepted, so append_note never sees
//      a value it would refuse.
//  F2. read_search_form bounds every value (at most 256 bytes, no control character), reads from/to as filter
//      times and the page as a number 1..100000; anything else is refused naming the field.
#pragma once

#include "common/core/error.hpp"
#include "tools/catalogue/search_query.hpp"
#include "tools/registers/metadata_entry.hpp"

#include <map>
#include <string>
#include <vector>

namespace bodycam::console::web {

using form_fields = std::map<std::string, std::string>;

// A refused form: which field, and why.
struct form_refusal {
  std::string field;
  std::string why;
};

template <typename T>
using form_result = std::expected<T, form_refusal>;

// F1: the fields in the register's order.
[[nodiscard]] form_result<std::vector<tools::registers::field_value>> read_note_form(
    const form_fields& form, const std::vector<std::string>& categories);

inline constexpr std::uint32_t search_page_size = 50;

struct search_form {
  form_fields typed;  // what was typed, to show again in the form (names as in the form)
  tools::catalogue::search_query query;
  std::uint64_t page = 1;
};

// F2. `query` gets offset and limit from the page.
[[nodiscard]] form_result<search_form> read_search_form(const form_fields& form);

}  // namespace bodycam::console::web
