#include "firmware/session/button_map.hpp"

#include <linux/input.h>

#include <cstring>

namespace bodycam::firmware::session {

std::size_t input_event_size() noexcept { return sizeof(input_event); }

input_event_fields decode_input_event(std::span<const std::uint8_t> bytes) noexcept {
  input_event e{};
  std::memcpy(&e, bytes.data(), std::min(bytes.size(), sizeof e));
  return {e.type, e.code, e.value};
}

bool is_press_of(const input_event_fields& event, std::uint16_t key) noexcept {
  return event.type == ev_key && event.code == key && event.value == 1;
}

}  // namespace bodycam::firmware::session
