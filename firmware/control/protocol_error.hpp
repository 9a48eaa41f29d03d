// How the control protocol refuses a request: a stable code for programs and a message for people. The codes
// below are the protocol's own; a refusal by the recorder itself carries the name of its core::errc instead
// ("conflict" when already recording, "unsupported", "no_space", ...), see README.md for the full list.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace bodycam::firmware::control {

namespace error_code {
inline constexpr std::string_view malformed_json = "malformed_json";      // the line is not JSON
inline constexpr std::string_view line_too_long = "line_too_long";        // over the line limit; connection closes
inline constexpr std::string_view invalid_request = "invalid_request";    // not an object, bad cmd/id, repeated field
inline constexpr std::string_view unknown_command = "unknown_command";    // "cmd" names no registered command
inline constexpr std::string_view missing_argument = "missing_argument";  // a required field is absent
inline constexpr std::string_view invalid_argument = "invalid_argument";  // a field has the wrong type or value
inline constexpr std::string_view unknown_argument = "unknown_argument";  // a field the command does not take
inline constexpr std::string_view busy = "busy";                          // too many clients; connection closes
inline constexpr std::string_view internal = "internal";                  // the handler failed unexpectedly
}  // namespace error_code

struct protocol_error {
  std::string code;
  std::string message;
};

template <class T>
using protocol_expected = std::expected<T, protocol_error>;

[[nodiscard]] inline std::unexpected<protocol_error> refuse(std::string_view code, std::string message) {
  return std::unexpected<protocol_error>(protocol_error{std::string(code), std::move(message)});
}

}  // namespace bodycam::firmware::control
