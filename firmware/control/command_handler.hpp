// The port through which the control layer acts on the recorder: the daemon implements it, tests use a fake.
// Calls arrive on the control server's strand (one at a time, never concurrently); an implementation must
// return quickly (post the work into the recorder's own state machine and report the state it reached), since
// every connection of the control socket waits while it runs. A refusal is an error whose code becomes the
// response's error code: conflict (e.g. start while recording), unsupported, no_space, ...
// Exceptions must not escape; the dispatcher still catches them and answers "internal" rather than crash.
#pragma once

#include "common/core/error.hpp"
#include "firmware/control/command.hpp"
#include "firmware/control/recorder_status.hpp"

namespace bodycam::firmware::control {

class command_handler {
 public:
  command_handler() = default;
  command_handler(const command_handler&) = delete;
  command_handler& operator=(const command_handler&) = delete;
  virtual ~command_handler() = default;

  // Begins a session (or refuses); answers the status after the command.
  [[nodiscard]] virtual common::core::expected<recorder_status> start(const start_command& command) = 0;
  // Ends the session with command.reason (or refuses); answers the status after the command.
  [[nodiscard]] virtual common::core::expected<recorder_status> stop(const stop_command& command) = 0;
  [[nodiscard]] virtual common::core::expected<recorder_status> status(const status_command& command) = 0;

  // Session control; a handler without it answers errc::unsupported.
  [[nodiscard]] virtual common::core::expected<recorder_status> precheck(const precheck_command&) {
    return unsupported(precheck_command::name);
  }
  [[nodiscard]] virtual common::core::expected<recorder_status> button(const button_command&) {
    return unsupported(button_command::name);
  }
  [[nodiscard]] virtual common::core::expected<recorder_status> dock_attach(const dock_attach_command&) {
    return unsupported(dock_attach_command::name);
  }
  [[nodiscard]] virtual common::core::expected<recorder_status> dock_detach(const dock_detach_command&) {
    return unsupported(dock_detach_command::name);
  }
  // What is done in the open session, important moments, officers joining and leaving; refused while no
  // session is open.
  [[nodiscard]] virtual common::core::expected<recorder_status> action(const action_command&) {
    return unsupported(action_command::name);
  }
  [[nodiscard]] virtual common::core::expected<recorder_status> mark(const mark_command&) {
    return unsupported(mark_command::name);
  }
  [[nodiscard]] virtual common::core::expected<recorder_status> officer(const officer_command&) {
    return unsupported(officer_command::name);
  }
  [[nodiscard]] virtual common::core::expected<recorder_status> photo(const photo_command&) {
    return unsupported(photo_command::name);
  }

 private:
  [[nodiscard]] static common::core::expected<recorder_status> unsupported(std::string_view name) {
    return common::core::fail(common::core::errc::unsupported, std::string(name) + ": not supported by this recorder");
  }
};

}  // namespace bodycam::firmware::control
