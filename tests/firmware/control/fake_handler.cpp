#include "tests/firmware/control/fake_handler.hpp"

#include <stdexcept>

namespace bodycam::tests {

namespace control = firmware::control;
namespace core = common::core;
using namespace std::chrono_literals;

fake_handler::fake_handler() {
  status_.state = "idle";
  status_.free_storage_bytes = 1'000'000'000;
  status_.last_record_seq = 4;
}

common::record::session_id fake_handler::fixed_session() {
  common::record::session_id id;
  id.bytes.fill(0x11);
  return id;
}

void fake_handler::note(std::string call) {
  calls_.push_back(std::move(call));
  if (throw_next_) {
    throw_next_ = false;
    throw std::runtime_error("fake handler told to throw");
  }
}

core::expected<control::recorder_status> fake_handler::start(const control::start_command& command) {
  std::lock_guard lock(mutex_);
  note("start:" + std::string(common::record::to_string(command.trigger)));
  if (status_.state == "recording") return core::fail(core::errc::conflict, "start: already recording");
  status_.state = "recording";
  status_.session = fixed_session();
  status_.segment = 0;
  status_.recorded = 0ms;
  status_.last_record_seq = *status_.last_record_seq + 1;
  return status_;
}

core::expected<control::recorder_status> fake_handler::stop(const control::stop_command& command) {
  std::lock_guard lock(mutex_);
  note("stop:" + std::string(common::record::to_string(command.reason)));
  if (status_.state != "recording") return core::fail(core::errc::conflict, "stop: not recording");
  status_.state = "idle";
  status_.session.reset();
  status_.segment.reset();
  status_.recorded = 12'500ms;
  status_.last_record_seq = *status_.last_record_seq + 2;
  return status_;
}

core::expected<control::recorder_status> fake_handler::status(const control::status_command&) {
  std::lock_guard lock(mutex_);
  note("status");
  return status_;
}

std::vector<std::string> fake_handler::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

void fake_handler::throw_on_next_call() {
  std::lock_guard lock(mutex_);
  throw_next_ = true;
}

}  // namespace bodycam::tests
