// The recorder's own commands: start [trigger], stop reason, status. Registered on a command_parser
// like any extension; the session-control commands (no fields) are registered by add_session_commands:
//   {"cmd":"precheck"}  {"cmd":"button"}  {"cmd":"dock_attach"}  {"cmd":"dock_detach"}
//   {"cmd":"start"}                          trigger defaults to "control" (button, control, automatic)
//   {"cmd":"stop","reason":"officer_end"}    reason is required: officer_end, low_battery, storage_full,
//                                            fault, shutdown, unsuitable_to_record (common/record
//                                            stop_reason); no silent stop; unsuitable_to_record needs a
//                                            spoken stop statement
//   {"cmd":"status"}
// What happens in the open session (add_field_commands; refused by the recorder while no session is open):
//   {"cmd":"action","type":"inspection","case":"C-1"}   type from the camera's [session] actions; case optional,
//                                                       at most 64 bytes, no control characters
//   {"cmd":"mark","label":"keys handed over"}           label optional, at most 64 bytes, no control characters
//   {"cmd":"officer","change":"join","officer":"o-9"}   change join or leave; officer follows the device-id rule
//   {"cmd":"photo"}                                     a still of the live video, stored as its own file
#pragma once

#include "common/core/error.hpp"
#include "firmware/control/command_parser.hpp"

namespace bodycam::firmware::control {

[[nodiscard]] common::core::status add_recorder_commands(command_parser& parser);
[[nodiscard]] common::core::status add_session_commands(command_parser& parser);
[[nodiscard]] common::core::status add_field_commands(command_parser& parser);

}  // namespace bodycam::firmware::control
