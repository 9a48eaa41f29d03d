// The recorder's own commands: start [trigger], stop reason, status. Registered on a command_parser
// like any extension; the session-control commands (no fields) are registered by add_session_commands:
//   {"cmd":"precheck"}  {"cmd":"button"}  {"cmd":"dock_attach"}  {"cmd":"dock_detach"}
//   {"cmd":"start"}                          trigger defaults to "control" (button, control, automatic)
//   {"cmd":"stop","reason":"officer_end"}    reason is required: officer_end, low_battery, storage_full,
//                                            fault, shutdown (common/record stop_reason); no silent stop
//   {"cmd":"status"}
#pragma once

#include "common/core/error.hpp"
#include "firmware/control/command_parser.hpp"

namespace bodycam::firmware::control {

[[nodiscard]] common::core::status add_recorder_commands(command_parser& parser);
[[nodiscard]] common::core::status add_session_commands(command_parser& parser);

}  // namespace bodycam::firmware::control
