// The recorder's own commands (issue 3): start [trigger], stop reason, status. Registered on a command_parser
// like any extension; issue 4's session commands come in their own file the same way.
//   {"cmd":"start"}                          trigger defaults to "control" (button, control, automatic)
//   {"cmd":"stop","reason":"officer_end"}    reason is required: officer_end, low_battery, storage_full,
//                                            fault, shutdown (common/record stop_reason); no silent stop
//   {"cmd":"status"}
#pragma once

#include "common/core/error.hpp"
#include "firmware/control/command_parser.hpp"

namespace bodycam::firmware::control {

[[nodiscard]] common::core::status add_recorder_commands(command_parser& parser);

}  // namespace bodycam::firmware::control
