// evdev events as button presses.
#include "firmware/session/button_map.hpp"

#include <catch2/catch.hpp>

#include <linux/input.h>

#include <cstring>
#include <vector>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace button_map_test {

using namespace bodycam::firmware::session;

namespace {
std::vector<std::uint8_t> encode(std::uint16_t type, std::uint16_t code, std::int32_t value) {
  input_event e{};
  e.type = type;
  e.code = code;
  e.value = value;
  std::vector<std::uint8_t> out(sizeof e);
  std::memcpy(out.data(), &e, sizeof e);
  return out;
}
}  // namespace

TEST_CASE("only a press (value 1) of the configured key counts") {
  CHECK(input_event_size() == sizeof(input_event));
  CHECK(is_press_of(decode_input_event(encode(EV_KEY, KEY_RECORD, 1)), KEY_RECORD));
  CHECK_FALSE(is_press_of(decode_input_event(encode(EV_KEY, KEY_RECORD, 0)), KEY_RECORD));  // release
  CHECK_FALSE(is_press_of(decode_input_event(encode(EV_KEY, KEY_RECORD, 2)), KEY_RECORD));  // repeat
  CHECK_FALSE(is_press_of(decode_input_event(encode(EV_KEY, KEY_A, 1)), KEY_RECORD));
  CHECK_FALSE(is_press_of(decode_input_event(encode(EV_SYN, KEY_RECORD, 1)), KEY_RECORD));
  CHECK_FALSE(is_press_of(decode_input_event(std::vector<std::uint8_t>(3, 0xFF)), KEY_RECORD));
}

}  // namespace button_map_test
