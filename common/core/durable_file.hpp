// Durable whole-file writes and bounded reads.
// write_file_durably guarantees: when it returns success, the file has its full new content on stable
// storage under its final name (temp file in the same directory → write → fsync → rename → fsync directory).
// On failure the final name is untouched (old content, or absent) and the temp file is removed.
// Every call goes through a file_system port; the overloads without one use posix_file_system.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/file_system.hpp"

#include <sys/types.h>

#include <filesystem>

namespace bodycam::common::core {

struct write_options {
  mode_t mode = 0644;
  bool create_only = false;  // refuse (already_exists) if the final name exists
};

[[nodiscard]] status write_file_durably(const std::filesystem::path& path, byte_view bytes, write_options options = {});
[[nodiscard]] status write_file_durably(file_system& fs, const std::filesystem::path& path, byte_view bytes,
                                        write_options options = {});
[[nodiscard]] status write_all(int fd, byte_view bytes, const std::filesystem::path& what);
[[nodiscard]] status fsync_directory(const std::filesystem::path& directory);
// Reads a whole file of at most max_bytes; a larger file is an error, not a truncation.
[[nodiscard]] expected<byte_buffer> read_file(const std::filesystem::path& path, std::size_t max_bytes);
[[nodiscard]] expected<byte_buffer> read_file(file_system& fs, const std::filesystem::path& path,
                                              std::size_t max_bytes);

}  // namespace bodycam::common::core
