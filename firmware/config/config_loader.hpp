// Loading the recorder config from a file: the only part of firmware/config that touches the file system.
// Relative paths inside the file are resolved against the file's own directory, so a config and the files
// it names can move together (tests, the simulator). A file over 1 MiB is refused, not truncated.
#pragma once

#include "common/core/error.hpp"
#include "firmware/config/recorder_config.hpp"

#include <cstddef>
#include <filesystem>

namespace bodycam::firmware::config {

namespace core = common::core;

inline constexpr std::size_t max_config_bytes = 1024 * 1024;

[[nodiscard]] core::expected<recorder_config> load_recorder_config(const std::filesystem::path& file);

}  // namespace bodycam::firmware::config
