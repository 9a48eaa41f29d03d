#include "firmware/control/control_protocol.hpp"

#include <exception>

namespace bodycam::firmware::control {

namespace {

// One overload per command.
common::core::expected<recorder_status> run(command_handler& h, const start_command& c) { return h.start(c); }
common::core::expected<recorder_status> run(command_handler& h, const stop_command& c) { return h.stop(c); }
common::core::expected<recorder_status> run(command_handler& h, const status_command& c) { return h.status(c); }
common::core::expected<recorder_status> run(command_handler& h, const precheck_command& c) { return h.precheck(c); }
common::core::expected<recorder_status> run(command_handler& h, const button_command& c) { return h.button(c); }
common::core::expected<recorder_status> run(command_handler& h, const dock_attach_command& c) {
  return h.dock_attach(c);
}
common::core::expected<recorder_status> run(command_handler& h, const dock_detach_command& c) {
  return h.dock_detach(c);
}
common::core::expected<recorder_status> run(command_handler& h, const action_command& c) { return h.action(c); }
common::core::expected<recorder_status> run(command_handler& h, const mark_command& c) { return h.mark(c); }
common::core::expected<recorder_status> run(command_handler& h, const officer_command& c) { return h.officer(c); }
common::core::expected<recorder_status> run(command_handler& h, const photo_command& c) { return h.photo(c); }

std::string_view without_cr(std::string_view line) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

}  // namespace

protocol_expected<response_body> dispatch(command_handler& handler, const command& c) noexcept {
  try {
    return std::visit(
        [&](const auto& alternative) -> protocol_expected<response_body> {
          auto result = run(handler, alternative);
          if (!result) return refuse(common::core::to_string(result.error().code), result.error().context);
          return to_json(*result);
        },
        c);
  } catch (const std::exception& e) {
    return refuse(error_code::internal, std::string(command_name(c)) + ": handler failed: " + e.what());
  } catch (...) {
    return refuse(error_code::internal, std::string(command_name(c)) + ": handler failed");
  }
}

std::string control_protocol::handle_line(std::string_view line) noexcept {
  try {
    const parsed_request request = parser_.parse(without_cr(line));
    if (!request.parsed) return format_error(request.id, request.parsed.error());
    const command& c = *request.parsed;
    auto body = dispatch(handler_, c);
    if (!body) return format_error(request.id, body.error());
    return format_success(request.id, command_name(c), *body);
  } catch (...) {
    // Only allocation can fail above; answer with a fixed line rather than let the exception out.
    return R"({"ok":false,"error":{"code":"internal","message":"out of memory"}})";
  }
}

}  // namespace bodycam::firmware::control
