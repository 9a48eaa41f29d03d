// The typed commands of the control protocol, as the parser hands them to the dispatcher. A command is plain
// data, already validated: a stop_command always carries a reason ("no silent stop", DESIGN.md §4).
// Session control added precheck, button, dock_attach and dock_detach the documented way: a struct
// here and an alternative in `command`, a parse function registered on the command_parser, and a virtual in
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

// Runs the pre-shift checks and appends a `precheck` record without starting a session.
struct precheck_command {
  static constexpr std::string_view name = "precheck";
};

// The record button, as evdev reports it (the simulator and tests send it here): starts a session when none
// is open (trigger button), ends it with reason officer_end otherwise.
struct button_command {
  static constexpr std::string_view name = "button";
};

struct dock_attach_command {
  static constexpr std::string_view name = "dock_attach";
};

struct dock_detach_command {
  static constexpr std::string_view name = "dock_detach";
};

// The action being taken in the open session (a name from the camera's list) and, optionally, the case.
struct action_command {
  static constexpr std::string_view name = "action";
  std::string action;
  std::string case_number;  // "" = none
};

// An important moment in the open session, optionally with a short label.
struct mark_command {
  static constexpr std::string_view name = "mark";
  std::string label;  // "" = none
};

// An officer joins or leaves the open session.
struct officer_command {
  static constexpr std::string_view name = "officer";
  common::record::officer_change change = common::record::officer_change::join;
  std::string officer_id;
};

// A photo of the live video in the open session (no fields).
struct photo_command {
  static constexpr std::string_view name = "photo";
};

using command = std::variant<start_command, stop_command, status_command, precheck_command, button_command,
                             dock_attach_command, dock_detach_command, action_command, mark_command, officer_command,
                             photo_command>;

[[nodiscard]] inline std::string_view command_name(const command& c) noexcept {
  return std::visit([](const auto& alternative) { return alternative.name; }, c);
}

// The client's correlation id, echoed in the response: absent, an integer or a short string.
using request_id = std::variant<std::monostate, std::int64_t, std::string>;

}  // namespace bodycam::firmware::control
