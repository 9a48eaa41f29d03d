// Parsing the recorder's TOML configuration from text: the pure core of firmware/config (no file access).
// Guarantees: the result is either a recorder_config that passed every check, or one error that names the
// origin and the bad key, e.g. "config /etc/bodycam/recorder.toml: encoder.fps: must be between 1 and 120,
// got 500"; TOML syntax errors name origin:line:column. Unknown sections and keys are errors, never ignored.
#pragma once

#include "common/core/error.hpp"
#include "firmware/config/recorder_config.hpp"

#include <string>
#include <string_view>

namespace bodycam::firmware::config {

namespace core = common::core;

struct parse_options {
  std::string origin = "<string>";  // how messages name the text: the file path, or a label
  std::string base_directory;       // relative paths are resolved against it; "" leaves them relative
};

[[nodiscard]] core::expected<recorder_config> parse_recorder_config(std::string_view text,
                                                                    const parse_options& options = {});

}  // namespace bodycam::firmware::config
