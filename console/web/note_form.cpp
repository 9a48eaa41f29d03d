// Reading the note and search forms (note_form.hpp F1, F2).
#include "console/web/note_form.hpp"

#include "console/web/filter_time.hpp"

#include <algorithm>
#include <charconv>

namespace bodycam::console::web {

namespace registers = tools::registers;

namespace {

constexpr std::size_t max_search_value_bytes = 256;

std::string field_of(const form_fields& form, const std::string& name) {
  const auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

// CR LF and a lone CR become LF (what a textarea sends for a line break).
std::string normalise_line_breaks(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace

form_result<std::vector<registers::field_value>> read_note_form(const form_fields& form,
                                                                const std::vector<std::string>& categories) {
  std::vector<registers::field_value> out;
  for (const registers::note_field f : registers::all_note_fields) {
    const std::string name(registers::to_string(f));
    std::string value = field_of(form, name);
    if (f == registers::note_field::text) value = normalise_line_breaks(value);
    if (value.empty()) continue;
    if (auto why = registers::check_field_value(f, value); !why.empty())
      return std::unexpected(form_refusal{name, why});
    if (f == registers::note_field::category &&
        std::find(categories.begin(), categories.end(), value) == categories.end())
      return std::unexpected(form_refusal{name, "category '" + value + "' is not one of this console's categories"});
    out.push_back({f, std::move(value)});
  }
  if (out.empty())
    return std::unexpected(form_refusal{"note", "fill in at least one of place, party, case, category, text"});
  return out;
}

form_result<search_form> read_search_form(const form_fields& form) {
  search_form out;
  auto& q = out.query;
  for (auto [name, target] : {std::pair{"officer", &q.officer},
                              {"device", &q.device},
                              {"unit", &q.unit},
                              {"category", &q.category},
                              {"case", &q.case_number},
                              {"place", &q.place},
                              {"party", &q.party},
                              {"text", &q.text}}) {
    const std::string value = field_of(form, name);
    if (value.size() > max_search_value_bytes)
      return std::unexpected(form_refusal{name, std::string(name) + " is longer than 256 bytes"});
    if (has_control_character(value))
      return std::unexpected(form_refusal{name, std::string(name) + " holds a control character"});
    out.typed[name] = value;
    *target = value;
  }
  for (auto [name, target] : {std::pair{"from", &q.from}, {"to", &q.to}}) {
    const std::string value = field_of(form, name);
    out.typed[name] = value;
    if (value.empty()) continue;
    *target = parse_filter_time(value);
    if (!*target)
      return std::unexpected(
          form_refusal{name, std::string(name) + " is not a time like 2026-01-10 or 2026-01-10T08:00"});
  }
  if (const std::string page = field_of(form, "page"); !page.empty()) {
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(page.data(), page.data() + page.size(), n);
    if (ec != std::errc() || end != page.data() + page.size() || n < 1 || n > 100000)
      return std::unexpected(form_refusal{"page", "page is not a number 1-100000"});
    out.page = n;
  }
  q.limit = search_page_size;
  q.offset = (out.page - 1) * search_page_size;
  return out;
}

}  // namespace bodycam::console::web
