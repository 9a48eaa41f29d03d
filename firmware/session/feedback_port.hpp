// The port for what the officer sees, hears and feels (DESIGN.md §4): the prompt before a statement, the
// beep that acknowledges a command, the alarm of a refusal or an automatic stop, an LED, a vibration.
// Adapters: `log_feedback` (one line per signal appended to a file; the simulator and tests read it),
// `sysfs_led_feedback` (writes brightness of the LEDs in a sysfs leds class directory), `alsa_feedback`
// (tones or a prompt file through ALSA, alsa_feedback.hpp) and `feedback_fanout` (several at once). A signal
// never fails the caller: an adapter that cannot signal returns the error and the caller logs it; recording
// goes on.
#pragma once

#include "common/core/error.hpp"
#include "firmware/session/feedback_signal.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::firmware::session {

class feedback_port {
 public:
  virtual ~feedback_port() = default;
  // `detail` says why ("start statement", "low_battery: 4% at reserve 10%").
  [[nodiscard]] virtual common::core::status signal(feedback_signal what, std::string_view detail) = 0;
};

// Appends "<signal> <detail>\n" to a file (opened for each line, O_APPEND; written with one write()).
class log_feedback final : public feedback_port {
 public:
  explicit log_feedback(std::filesystem::path file) : file_(std::move(file)) {}
  [[nodiscard]] common::core::status signal(feedback_signal what, std::string_view detail) override;

 private:
  std::filesystem::path file_;
  std::mutex mutex_;
};

// LEDs in a sysfs leds class directory: alarm → <alarm_led>/brightness = 1 (alarm_clear → 0);
// prompt/led_recording → <prompt_led>/brightness = 1, led_idle → 0. Beep and vibrate have no LED.
class sysfs_led_feedback final : public feedback_port {
 public:
  sysfs_led_feedback(std::filesystem::path leds_dir, std::string alarm_led, std::string prompt_led)
      : dir_(std::move(leds_dir)), alarm_(std::move(alarm_led)), prompt_(std::move(prompt_led)) {}
  [[nodiscard]] common::core::status signal(feedback_signal what, std::string_view detail) override;

 private:
  [[nodiscard]] common::core::status set(const std::string& led, bool on);
  std::filesystem::path dir_;
  std::string alarm_, prompt_;
};

class feedback_fanout final : public feedback_port {
 public:
  void add(std::unique_ptr<feedback_port> port) { ports_.push_back(std::move(port)); }
  // Signals every port; returns the first error (after trying all).
  [[nodiscard]] common::core::status signal(feedback_signal what, std::string_view detail) override;

 private:
  std::vector<std::unique_ptr<feedback_port>> ports_;
};

}  // namespace bodycam::firmware::session
