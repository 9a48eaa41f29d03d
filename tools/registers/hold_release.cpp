#include "tools/registers/hold_release.hpp"

namespace bodycam::tools::registers {

namespace {

constexpr std::string_view release_word = "release ";

}  // namespace

std::string release_action(std::string_view hold) { return std::string(release_word) + std::string(hold); }

std::optional<std::string> released_hold(std::string_view action) {
  if (!action.starts_with(release_word)) return std::nullopt;
  const auto name = action.substr(release_word.size());
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return std::nullopt;
  for (char c : name.substr(dot + 1))
    if (c < '0' || c > '9') return std::nullopt;
  if (name.find_first_of(" :/") != std::string_view::npos) return std::nullopt;
  return std::string(name);
}

}  // namespace bodycam::tools::registers
