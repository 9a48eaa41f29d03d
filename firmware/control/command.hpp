// The typed commands of the control protocol, as the parser hands them to the dispatcher. A command is plain
// data, already validated: a stop_command always carries a reason ("no silent stop", DESIGN.md §4).
// Issue 4 adds annotate, button, dock_attach, dock_detach and precheck: a struct here and an alternative in
// `command`, a parse function registered on the command_parser (never a change to its core), and a virtual in
// command_handler with a default that answers "unsupported", so existing handlers keep compiling.
#pragma once

#include "common/record/enums.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace bodycam::firmware::control {

struct start_command {
  static constexpr std::string_view name = "start";
  common::record::start_trigger trigger = common::record::start_trigger::control;
};

struct stop_command {
  static constexpr std::string_view name = "stop";
  common::record::stop_reason reason = common::record::stop_reason::officer_end;  // always set by the parser
};

struct status_command {
  static constexpr std::string_view name = "status";
};

using command = std::variant<start_command, stop_command, status_command>;

[[nodiscard]] inline std::string_view command_name(const command& c) noexcept {
  return std::visit([](const auto& alternative) { return alternative.name; }, c);
}

// The client's correlation id, echoed in the response: absent, an integer or a short string.
using request_id = std::variant<std::monostate, std::int64_t, std::string>;

}  // namespace bodycam::firmware::control
