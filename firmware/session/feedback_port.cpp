#include "firmware/session/feedback_port.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace bodycam::firmware::session {

using namespace bodycam::common;

std::string_view to_string(feedback_signal signal) noexcept {
  static constexpr std::array<std::string_view, 7> names{"prompt",        "beep",     "alarm",  "alarm_clear",
                                                         "led_recording", "led_idle", "vibrate"};
  const auto i = static_cast<std::size_t>(signal);
  return i < names.size() ? names[i] : "unknown";
}

core::status log_feedback::signal(feedback_signal what, std::string_view detail) {
  std::string line = std::string(to_string(what)) + " " + std::string(detail);
  for (auto& c : line)
    if (c < 0x20 || c == 0x7f) c = '?';
  line += '\n';
  std::lock_guard lock(mutex_);
  core::unique_fd fd(::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!fd.is_open()) return core::fail_errno("open feedback log", file_.string(), errno);
  return core::write_all(fd.get(), core::byte_view(reinterpret_cast<const std::uint8_t*>(line.data()), line.size()),
                         file_);
}

core::status sysfs_led_feedback::set(const std::string& led, bool on) {
  const auto path = dir_ / led / "brightness";
  core::unique_fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd.is_open()) return core::fail_errno("open LED", path.string(), errno);
  const char value = on ? '1' : '0';
  return core::write_all(fd.get(), core::byte_view(reinterpret_cast<const std::uint8_t*>(&value), 1), path);
}

core::status sysfs_led_feedback::signal(feedback_signal what, std::string_view) {
  switch (what) {
    case feedback_signal::alarm: return set(alarm_, true);
    case feedback_signal::alarm_clear: return set(alarm_, false);
    case feedback_signal::prompt:
    case feedback_signal::led_recording: return set(prompt_, true);
    case feedback_signal::led_idle: return set(prompt_, false);
    case feedback_signal::beep:
    case feedback_signal::vibrate: return {};
  }
  return {};
}

core::status feedback_fanout::signal(feedback_signal what, std::string_view detail) {
  core::status first{};
  for (auto& port : ports_) {
    auto ok = port->signal(what, detail);
    if (!ok && first) first = ok;
  }
  return first;
}

}  // namespace bodycam::firmware::session
