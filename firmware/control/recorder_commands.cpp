#include "firmware/control/recorder_commands.hpp"

#include "common/record/session_fields.hpp"

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

// A field checked by a common/record/session_fields.hpp rule: refused as invalid_argument with the rule's words.
protocol_expected<void> check_field(const argument_reader& reader, std::string_view field,
                                    const common::core::status& rule) {
  if (rule) return {};
  return refuse(error_code::invalid_argument, reader.prefix(field) + rule.error().context);
}

// Long enough to read any text the line limit lets through, so the session_fields rule gives the message.
constexpr std::size_t max_field_text_bytes = 4096;

protocol_expected<command> parse_action(argument_reader& reader) {
  action_command out;
  auto type = reader.optional_string("type", 64);
  if (!type) return std::unexpected(type.error());
  if (!*type || (*type)->empty())
    return refuse(error_code::missing_argument,
                  reader.prefix("type") + "required: the action being taken (a name from the camera's list)");
  out.action = **type;
  auto case_number = reader.optional_string("case", max_field_text_bytes);
  if (!case_number) return std::unexpected(case_number.error());
  if (*case_number) out.case_number = **case_number;
  if (auto ok = check_field(reader, "case", common::record::check_case_number(out.case_number)); !ok)
    return std::unexpected(ok.error());
  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return out;
}

protocol_expected<command> parse_mark(argument_reader& reader) {
  mark_command out;
  auto label = reader.optional_string("label", max_field_text_bytes);
  if (!label) return std::unexpected(label.error());
  if (*label) out.label = **label;
  if (auto ok = check_field(reader, "label", common::record::check_mark_label(out.label)); !ok)
    return std::unexpected(ok.error());
  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return out;
}

protocol_expected<command> parse_officer(argument_reader& reader) {
  officer_command out;
  auto change = reader.required_enum<common::record::officer_change>("change", "an officer joins or leaves");
  if (!change) return std::unexpected(change.error());
  out.change = *change;
  auto id = reader.optional_string("officer", max_field_text_bytes);
  if (!id) return std::unexpected(id.error());
  if (!*id) return refuse(error_code::missing_argument, reader.prefix("officer") + "required: the officer id");
  out.officer_id = **id;
  if (auto ok = check_field(reader, "officer", common::record::check_officer_id(out.officer_id)); !ok)
    return std::unexpected(ok.error());
  if (auto done = reader.finish(); !done) return std::unexpected(done.error());
  return out;
}

}  // namespace

common::core::status add_field_commands(command_parser& parser) {
  if (auto ok = parser.add(std::string(action_command::name), parse_action); !ok) return ok;
  if (auto ok = parser.add(std::string(mark_command::name), parse_mark); !ok) return ok;
  if (auto ok = parser.add(std::string(photo_command::name), parse_bare<photo_command>); !ok) return ok;
  return parser.add(std::string(officer_command::name), parse_officer);
}

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
