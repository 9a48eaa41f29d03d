#include "tools/registers/access_outcome.hpp"

#include "tools/registers/register_entry.hpp"

namespace bodycam::tools::registers {

namespace {

constexpr std::string_view completed_word = "completed ";
constexpr std::string_view failed_word = "failed ";

}  // namespace

std::string outcome_action(const access_outcome& o) {
  if (o.completed) return std::string(completed_word) + o.concludes;
  return std::string(failed_word) + o.concludes + ": " + o.reason;
}

std::optional<access_outcome> parse_outcome_action(std::string_view action) {
  if (action.starts_with(completed_word)) {
    const auto name = action.substr(completed_word.size());
    if (!is_entry_name(name)) return std::nullopt;
    return access_outcome{std::string(name), true, {}};
  }
  if (action.starts_with(failed_word)) {
    const auto rest = action.substr(failed_word.size());
    const auto colon = rest.find(": ");
    if (colon == std::string_view::npos || !is_entry_name(rest.substr(0, colon))) return std::nullopt;
    return access_outcome{std::string(rest.substr(0, colon)), false, std::string(rest.substr(colon + 2))};
  }
  return std::nullopt;
}

}  // namespace bodycam::tools::registers
