// Typed, strict reading of one TOML table (a config section). Every read names its key, so the reader knows
// the section's full key set; finish() then refuses any key nobody asked for, which is how a typo such as
// `fsp = 30` becomes an error instead of a silently ignored setting.
// Invariants:
//  1. An absent key leaves the output untouched (it keeps its documented default); a present key is either
//     stored whole and in range, or the read fails and the output is untouched.
//  2. Every error starts with the dotted key ("encoder.fps: ...") and, for a bad value, shows that value
//     (strings shortened and stripped of control characters, so a message is always one printable line).
//  3. Integers are range-checked in 64 bits before narrowing; a float where an integer is expected is a type
//     error, never rounded.
#pragma once

#include "common/core/error.hpp"

#include <chrono>
#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace bodycam::firmware::config {

namespace core = common::core;

class table_reader {
 public:
  // `section` is the dotted name of the table ("encoder"); `base_directory` resolves relative paths ("" keeps
  // them relative).
  table_reader(const toml::table& table, std::string section, std::string base_directory);

  [[nodiscard]] core::status read_bool(std::string_view key, bool& out);
  [[nodiscard]] core::status read_string(std::string_view key, std::string& out, std::size_t max_length);
  // A file or directory: non-empty, no NUL, at most 4096 bytes; relative paths are resolved.
  [[nodiscard]] core::status read_path(std::string_view key, std::string& out);
  // An array of strings, each at most `max_length` bytes without NUL; at most `max_items` of them.
  [[nodiscard]] core::status read_string_list(std::string_view key, std::vector<std::string>& out,
                                              std::size_t max_items, std::size_t max_length);
  // One of `names`; `index` receives the position of the match.
  [[nodiscard]] core::status read_choice(std::string_view key, std::span<const std::string_view> names,
                                         std::size_t& index);
  [[nodiscard]] core::status read_integer(std::string_view key, std::int64_t min, std::int64_t max, std::int64_t& out);
  [[nodiscard]] core::status read_seconds(std::string_view key, std::int64_t min, std::int64_t max,
                                          std::chrono::seconds& out);

  template <std::integral T>
  [[nodiscard]] core::status read_int(std::string_view key, T min, T max, T& out) {
    std::int64_t wide = static_cast<std::int64_t>(out);
    auto ok = read_integer(key, static_cast<std::int64_t>(min), static_cast<std::int64_t>(max), wide);
    if (!ok) return ok;
    out = static_cast<T>(wide);
    return {};
  }

  [[nodiscard]] bool contains(std::string_view key) const;
  // Fails naming the first key of the table that no read asked for, and lists the known keys.
  [[nodiscard]] core::status finish() const;

  // "section.key: message" with errc::invalid_argument, for checks made after reading.
  [[nodiscard]] std::unexpected<core::error> invalid(std::string_view key, std::string_view message) const;
  [[nodiscard]] std::string qualified(std::string_view key) const;
  [[nodiscard]] const std::string& section() const noexcept { return section_; }

 private:
  // Marks the key as known and returns its node, or nullptr when absent.
  const toml::node* find(std::string_view key);
  [[nodiscard]] std::unexpected<core::error> wrong_type(std::string_view key, std::string_view expected,
                                                        const toml::node& node) const;

  const toml::table& table_;
  std::string section_;
  std::string base_directory_;
  std::vector<std::string> known_;
};

// "a string (\"abc\")", "an integer (500)", "a table": how an error message shows a value it refuses.
[[nodiscard]] std::string describe_value(const toml::node& node);
// Up to 80 bytes of `text`, control characters replaced by '?', quoted.
[[nodiscard]] std::string quote_for_message(std::string_view text);
// A key as TOML would write it bare ([A-Za-z0-9_-]), or quoted as above when it holds anything else.
[[nodiscard]] std::string key_for_message(std::string_view key);

}  // namespace bodycam::firmware::config
