// Typed, strict access to the fields of one request object, for the parse function of one command. Every read
// names its field, so finish() can refuse any field the command does not take ("reasn" is an error, not an
// ignored typo). "cmd" and "id" belong to the envelope and are always known.
// Invariants:
//  1. Every error message starts with "<command>: <field>: " and shows a refused value at most 64 bytes long.
//  2. A read never throws: type checks come before every nlohmann accessor.
#pragma once

#include "common/record/enums.hpp"
#include "firmware/control/protocol_error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace bodycam::firmware::control {

// A string for a message: at most 64 bytes, control characters as '?', in double quotes.
[[nodiscard]] std::string quote(std::string_view text);
// "a string", "a number", "an object", ...: how a message names the type of a refused JSON value.
[[nodiscard]] std::string_view json_type_name(const nlohmann::json& value);

class argument_reader {
 public:
  // `request` is the whole request object (the parser has checked it is an object).
  argument_reader(const nlohmann::json& request, std::string_view command);

  [[nodiscard]] protocol_expected<std::optional<std::string>> optional_string(std::string_view field,
                                                                              std::size_t max_length);

  // A field whose value is the stable name of a record enum (common/record/enums.hpp).
  template <common::record::named_enum E>
  [[nodiscard]] protocol_expected<std::optional<E>> optional_enum(std::string_view field) {
    auto text = optional_string(field, max_enum_name_bytes);
    if (!text) return std::unexpected(text.error());
    if (!*text) return std::optional<E>();
    if (auto value = common::record::parse_enum<E>(**text)) return std::optional<E>(*value);
    return refuse(error_code::invalid_argument,
                  prefix(field) + "must be one of " + names_of<E>() + ", got " + quote(**text));
  }

  // As optional_enum, but absence is refused with missing_argument; `why` explains the rule to the client.
  template <common::record::named_enum E>
  [[nodiscard]] protocol_expected<E> required_enum(std::string_view field, std::string_view why) {
    auto value = optional_enum<E>(field);
    if (!value) return std::unexpected(value.error());
    if (!*value)
      return refuse(error_code::missing_argument, prefix(field) + "required" +
                                                      (why.empty() ? "" : ", " + std::string(why)) + " (one of " +
                                                      names_of<E>() + ")");
    return **value;
  }

  // Refuses the first field of the request that no read asked for.
  [[nodiscard]] protocol_expected<void> finish() const;

  [[nodiscard]] std::string prefix(std::string_view field) const;
  [[nodiscard]] const std::string& command() const noexcept { return command_; }

 private:
  static constexpr std::size_t max_enum_name_bytes = 64;

  template <common::record::named_enum E>
  static std::string names_of() {
    std::string out;
    for (std::string_view name : common::record::enum_names<E>::values) {
      if (name.empty()) continue;
      if (!out.empty()) out += ", ";
      out += name;
    }
    return out;
  }

  const nlohmann::json* find(std::string_view field);

  const nlohmann::json& request_;
  std::string command_;
  std::vector<std::string> known_;
};

}  // namespace bodycam::firmware::control
