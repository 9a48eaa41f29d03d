// Fuzzes the camera's control protocol (firmware/control): one request line from the control socket, parsed
// by the recorder's command set and answered through a handler that records what it was asked.
// Invariants checked (control_protocol.hpp invariants 1-2): every line gets exactly one response line (no
// '\n' inside) that is a JSON object; the handler is called at most once per line, and only when the parser
// accepted the line as a command.
#include "firmware/control/control_protocol.hpp"
#include "firmware/control/recorder_commands.hpp"
#include "fuzz/fuzz_check.hpp"

#include <nlohmann/json.hpp>

namespace control = bodycam::firmware::control;
namespace core = bodycam::common::core;
using bodycam::fuzz::require;

namespace {

class counting_handler final : public control::command_handler {
 public:
  int calls = 0;
  core::expected<control::recorder_status> start(const control::start_command&) override { return answer(); }
  core::expected<control::recorder_status> stop(const control::stop_command&) override { return answer(); }
  core::expected<control::recorder_status> status(const control::status_command&) override { return answer(); }
  core::expected<control::recorder_status> precheck(const control::precheck_command&) override { return answer(); }
  core::expected<control::recorder_status> button(const control::button_command&) override { return answer(); }

 private:
  core::expected<control::recorder_status> answer() {
    ++calls;
    if (calls % 2 == 0) return core::fail(core::errc::conflict, "fuzz handler: refused");
    control::recorder_status status;
    status.state = "idle";
    status.note = "fuzz \"note\"\n\x01";
    return status;
  }
};

[[nodiscard]] const control::command_parser& recorder_parser() {
  static const control::command_parser parser = [] {
    control::command_parser p;
    require(control::add_recorder_commands(p).has_value(), "control", "the recorder commands register");
    require(control::add_session_commands(p).has_value(), "control", "the session commands register");
    return p;
  }();
  return parser;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto line = bodycam::fuzz::as_text(data, size);
  counting_handler handler;
  control::control_protocol protocol(recorder_parser(), handler);
  const std::string response = protocol.handle_line(line);
  require(response.find('\n') == std::string::npos, "control", "the response is one line");
  const auto json = nlohmann::json::parse(response, nullptr, false);
  require(!json.is_discarded() && json.is_object(), "control", "the response is a JSON object");
  require(handler.calls <= 1, "control", "the handler is called at most once per line");
  const bool accepted = recorder_parser().parse(line).parsed.has_value();
  require(accepted || handler.calls == 0, "control", "the handler is called only for an accepted command");
  return 0;
}
