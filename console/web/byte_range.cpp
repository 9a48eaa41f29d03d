// Range header parsing (B1-B3 in byte_range.hpp).
#include "console/web/byte_range.hpp"

#include <charconv>
#include <optional>

namespace bodycam::console::web {

namespace {

std::optional<std::uint64_t> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

range_answer answer_range(std::string_view header, std::uint64_t file_length) {
  constexpr std::string_view unit = "bytes=";
  if (header.substr(0, unit.size()) != unit) return {};
  const std::string_view spec = header.substr(unit.size());
  if (spec.find(',') != std::string_view::npos) return {};  // B1
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);
  range_answer::kind unsatisfiable = range_answer::kind::unsatisfiable;
  if (first_text.empty()) {  // suffix: the last n bytes
    const auto n = parse_number(last_text);
    if (!n) return {};
    if (*n == 0 || file_length == 0) return {unsatisfiable};
    const std::uint64_t take = *n < file_length ? *n : file_length;
    return {range_answer::kind::partial, file_length - take, file_length - 1};
  }
  const auto first = parse_number(first_text);
  if (!first) return {};
  std::uint64_t last = file_length == 0 ? 0 : file_length - 1;
  if (!last_text.empty()) {
    const auto l = parse_number(last_text);
    if (!l || *l < *first) return {};
    if (*l < last) last = *l;
  }
  if (*first >= file_length) return {unsatisfiable};  // B2
  return {range_answer::kind::partial, *first, last};
}

std::string content_range(const range_answer& a, std::uint64_t file_length) {
  if (a.what == range_answer::kind::partial)
    return "bytes " + std::to_string(a.first) + "-" + std::to_string(a.last) + "/" + std::to_string(file_length);
  return "bytes */" + std::to_string(file_length);
}

}  // namespace bodycam::console::web
