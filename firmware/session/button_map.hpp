// Linux evdev input events as button presses (pure): the kernel's `struct input_event` bytes in, presses of
// the configured key out. Only EV_KEY events with value 1 (press) count; repeats (2) and releases (0) are
// ignored, so holding the button does not toggle recording on and off.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace bodycam::firmware::session {

inline constexpr std::uint16_t ev_key = 0x01;

struct input_event_fields {
  std::uint16_t type = 0;
  std::uint16_t code = 0;
  std::int32_t value = 0;
};

// The size of one struct input_event on this platform (24 bytes on 64-bit, 16 on 32-bit time_t ABIs).
[[nodiscard]] std::size_t input_event_size() noexcept;
// Decodes one event from exactly input_event_size() bytes in host byte order.
[[nodiscard]] input_event_fields decode_input_event(std::span<const std::uint8_t> bytes) noexcept;
// True for a press (EV_KEY, value 1) of `key`.
[[nodiscard]] bool is_press_of(const input_event_fields& event, std::uint16_t key) noexcept;

}  // namespace bodycam::firmware::session
