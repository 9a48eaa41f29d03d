// A command_handler for tests: a two-state recorder (idle <-> recording) that logs every call it receives,
// refuses start while recording and stop while idle (errc::conflict), and can be told to throw once.
// Thread-safe: the server calls it on its io thread while the test thread inspects it.
#pragma once

#include "firmware/control/command_handler.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace bodycam::tests {

class fake_handler final : public firmware::control::command_handler {
 public:
  fake_handler();

  [[nodiscard]] common::core::expected<firmware::control::recorder_status> start(
      const firmware::control::start_command& command) override;
  [[nodiscard]] common::core::expected<firmware::control::recorder_status> stop(
      const firmware::control::stop_command& command) override;
  [[nodiscard]] common::core::expected<firmware::control::recorder_status> status(
      const firmware::control::status_command& command) override;

  // Calls so far, as "start:control", "stop:officer_end", "status".
  [[nodiscard]] std::vector<std::string> calls() const;
  void throw_on_next_call();

  // The session id the fake opens: 16 bytes 0x11.
  [[nodiscard]] static common::record::session_id fixed_session();

 private:
  void note(std::string call);

  mutable std::mutex mutex_;
  firmware::control::recorder_status status_;
  std::vector<std::string> calls_;
  bool throw_next_ = false;
};

}  // namespace bodycam::tests
