// One request line in, one response line out: parse (command_parser), dispatch to the command_handler, format
// (response.hpp). This is the whole protocol without any I/O; the socket server only moves lines, and tests
// drive the protocol from strings.
// Invariants:
//  1. handle_line never throws and always returns exactly one line (no '\n' inside), for any input bytes.
//  2. The handler is called only for a fully validated command, and at most once per line.
#pragma once

#include "firmware/control/command_handler.hpp"
#include "firmware/control/command_parser.hpp"
#include "firmware/control/response.hpp"

#include <string>
#include <string_view>

namespace bodycam::firmware::control {

class control_protocol {
 public:
  // Both must outlive the protocol.
  control_protocol(const command_parser& parser, command_handler& handler) noexcept
      : parser_(parser), handler_(handler) {}

  // `line` without its '\n'; a trailing '\r' (a client sending CRLF) is ignored.
  [[nodiscard]] std::string handle_line(std::string_view line) noexcept;

  [[nodiscard]] const command_parser& parser() const noexcept { return parser_; }

 private:
  const command_parser& parser_;
  command_handler& handler_;
};

// Runs `c` on `handler`: the status (or other result) as response fields, or the handler's refusal with its
// errc name as code. Exceptions from the handler become an "internal" refusal.
[[nodiscard]] protocol_expected<response_body> dispatch(command_handler& handler, const command& c) noexcept;

}  // namespace bodycam::firmware::control
