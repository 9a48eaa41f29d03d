// How `bodycam doctor` prints its findings. Text: one line per finding, severity first, then the plain-words
// finding, where, and "fix:" with what to do; a last line with the verdict. JSON: the same findings as an
// object with the verdict and the exit code, for fleet scripts (format in tools/README.md).
#pragma once

#include "tools/doctor/finding.hpp"

#include <span>
#include <string>
#include <string_view>

namespace bodycam::tools::doctor {

[[nodiscard]] std::string render_text(std::string_view target, std::string_view config_path,
                                      std::span<const finding> findings);
[[nodiscard]] std::string render_json(std::string_view target, std::string_view config_path,
                                      std::span<const finding> findings);

}  // namespace bodycam::tools::doctor
