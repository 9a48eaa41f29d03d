#include "firmware/control/recorder_commands.hpp"

namespace bodycam::firmware::control {

namespace {

protocol_expected<command> parse_start(argument_reader& reader) {
  start_command out;
  auto trigger = reader.optional_enum<common::record::start_trigger>("trigger");
  if (!trigger) return std::unexpected(trigger.error());
  if (*trigger) out.trigger = **trigger;
  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return out;
}

protocol_expected<command> parse_stop(argument_reader& reader) {
  stop_command out;
  auto reason = reader.required_enum<common::record::stop_reason>("reason", "no silent stop");
  if (!reason) return std::unexpected(reason.error());
  out.reason = *reason;
  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return out;
}

protocol_expected<command> parse_status(argument_reader& reader) {
  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return status_command{};
}

// Commands without fields.
template <class Command>
protocol_expected<command> parse_bare(argument_reader& reader) {
  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return Command{};
}

}  // namespace

common::core::status add_session_commands(command_parser& parser) {
  if (auto ok = parser.add(std::string(precheck_command::name), parse_bare<precheck_command>); !ok) return ok;
  if (auto ok = parser.add(std::string(button_command::name), parse_bare<button_command>); !ok) return ok;
  if (auto ok = parser.add(std::string(dock_attach_command::name), parse_bare<dock_attach_command>); !ok) return ok;
  return parser.add(std::string(dock_detach_command::name), parse_bare<dock_detach_command>);
}

common::core::status add_recorder_commands(command_parser& parser) {
  if (auto ok = parser.add(std::string(start_command::name), parse_start); !ok) return ok;
  if (auto ok = parser.add(std::string(stop_command::name), parse_stop); !ok) return ok;
  return parser.add(std::string(status_command::name), parse_status);
}

}  // namespace bodycam::firmware::control
