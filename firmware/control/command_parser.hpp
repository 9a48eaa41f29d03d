// The parser core of the control protocol: one line of JSON in, a typed command (or a refusal) out. It knows
// the envelope only ({"cmd": NAME, "id": ID, ...fields}); what each command's fields mean is the business of a
// parse function registered under its name (recorder_commands.cpp registers start, stop and status; session
// control registers its own), so new commands never change this file.
// Invariants:
//  1. parse() never throws and never crashes on any input: malformed JSON, invalid UTF-8, deep nesting, huge
//     numbers and oversized lines all become a refusal with a code from protocol_error.hpp.
//  2. A line is refused before it is parsed if it is longer than max_line_bytes (the '\n' not counted).
//  3. A request object may not repeat a field: {"cmd":"stop","reason":"fault","reason":"officer_end"} is
//     refused, not read as whichever came last.
//  4. The id is echoed whenever it could be read, even when the rest of the request is refused.
#pragma once

#include "common/core/error.hpp"
#include "firmware/control/argument_reader.hpp"
#include "firmware/control/command.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::firmware::control {

// Reads one command's fields; must call reader.finish() (or refuse) so that unknown fields are errors.
using parse_function = std::function<protocol_expected<command>(argument_reader& reader)>;

struct parsed_request {
  request_id id;                      // echoed in the response; monostate when absent or unreadable
  protocol_expected<command> parsed;  // the typed command, or why the line is refused
};

class command_parser {
 public:
  static constexpr std::size_t default_max_line_bytes = 4096;

  explicit command_parser(std::size_t max_line_bytes = default_max_line_bytes);

  // Registers `parse` for requests whose "cmd" is `name`; refuses (errc::conflict) a name already taken.
  [[nodiscard]] common::core::status add(std::string name, parse_function parse);

  [[nodiscard]] parsed_request parse(std::string_view line) const;

  [[nodiscard]] std::size_t max_line_bytes() const noexcept { return max_line_bytes_; }
  // Registered command names, sorted.
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  std::size_t max_line_bytes_;
  std::map<std::string, parse_function, std::less<>> commands_;
};

}  // namespace bodycam::firmware::control
