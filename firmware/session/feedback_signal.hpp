// The signals of the feedback port (DESIGN.md §4): what the officer sees, hears and feels. Split from
// feedback_port.hpp so pure modules (tone) can name a signal without the port's filesystem and mutex headers.
#pragma once

#include <cstdint>
#include <string_view>

namespace bodycam::firmware::session {

enum class feedback_signal : std::uint8_t { prompt, beep, alarm, alarm_clear, led_recording, led_idle, vibrate };
[[nodiscard]] std::string_view to_string(feedback_signal signal) noexcept;

}  // namespace bodycam::firmware::session
