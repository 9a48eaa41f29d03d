#include "tools/doctor/finding.hpp"

#include <algorithm>

namespace bodycam::tools::doctor {

std::string_view to_string(severity level) noexcept {
  switch (level) {
    case severity::ok: return "ok";
    case severity::warning: return "warning";
    case severity::problem: return "problem";
  }
  return "unknown";
}

severity worst_of(std::span<const finding> findings) noexcept {
  severity worst = severity::ok;
  for (const auto& f : findings) worst = std::max(worst, f.level);
  return worst;
}

int exit_code_of(std::span<const finding> findings) noexcept { return static_cast<int>(worst_of(findings)); }

}  // namespace bodycam::tools::doctor
