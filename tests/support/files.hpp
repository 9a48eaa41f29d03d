// Whole-file reads and writes for tests: slurp a file's bytes into a string, write a string as a file's
// whole content. For checking what a program or a module left on disk, not for production paths (those go
// through common/core/durable_file).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::tests {

// Every byte of `file` as a string; "" if it does not exist or cannot be read (tests compare with the
// content they expect, so an absent file fails them unless they expect it empty).
[[nodiscard]] std::string slurp(const std::filesystem::path& file);

// Replaces the whole content of `file` with `text` (creating it). Throws std::runtime_error naming the file
// if it cannot be written.
void write_text(const std::filesystem::path& file, std::string_view text);

// The names of the entries of `dir` (not recursive), sorted: what a program left in a folder. Empty if `dir`
// does not exist.
[[nodiscard]] std::vector<std::string> names_in(const std::filesystem::path& dir);

}  // namespace bodycam::tests
