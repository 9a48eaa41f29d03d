// Small text predicates the test suites share: whether a message contains a part, whether an error's context
// mentions one. Header-only; in namespace bodycam::tests.
#pragma once

#include "common/core/error.hpp"

#include <string_view>

namespace bodycam::tests {

[[nodiscard]] inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

[[nodiscard]] inline bool mentions(const common::core::error& e, std::string_view part) {
  return contains(e.context, part);
}

}  // namespace bodycam::tests
