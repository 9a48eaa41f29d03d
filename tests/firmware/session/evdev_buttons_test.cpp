// The evdev adapter on a FIFO standing in for /dev/input/eventN: presses of the configured key reach the
// callback on the io_context; releases, repeats, other keys and events split across reads do not confuse it.
#include "firmware/session/evdev_buttons.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <linux/input.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>

#include <cstring>
#include <vector>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace evdev_buttons_test {

using namespace bodycam::firmware::session;
using namespace bodycam::tests;

namespace {
void put(std::vector<std::uint8_t>& out, std::uint16_t type, std::uint16_t code, std::int32_t value) {
  input_event e{};
  e.type = type;
  e.code = code;
  e.value = value;
  const auto* p = reinterpret_cast<const std::uint8_t*>(&e);
  out.insert(out.end(), p, p + sizeof e);
}
}  // namespace

TEST_CASE("evdev: presses of the record key, and only those, call back", "[integration]") {
  temp_dir dir("bodycam-evdev");
  const std::string fifo = dir / "event0";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Held open read-write so the FIFO always has a writer (an input device never reports end of file).
  const int writer = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(writer >= 0);
  boost::asio::io_context io;
  int presses = 0;
  auto buttons = evdev_buttons::open(io, fifo, KEY_RECORD, [&] { ++presses; });
  REQUIRE(buttons);
  std::vector<std::uint8_t> events;
  put(events, EV_KEY, KEY_RECORD, 1);  // press
  put(events, EV_SYN, SYN_REPORT, 0);
  put(events, EV_KEY, KEY_RECORD, 2);  // repeat
  put(events, EV_KEY, KEY_RECORD, 0);  // release
  put(events, EV_KEY, KEY_A, 1);       // another key
  put(events, EV_KEY, KEY_RECORD, 1);  // second press, written in two pieces below
  const std::size_t split = events.size() - 5;
  REQUIRE(::write(writer, events.data(), split) == static_cast<ssize_t>(split));
  boost::asio::steady_timer timer(io);
  timer.expires_after(std::chrono::milliseconds(100));
  timer.async_wait([&](const boost::system::error_code&) {
    REQUIRE(::write(writer, events.data() + split, 5) == 5);
    timer.expires_after(std::chrono::milliseconds(300));
    timer.async_wait([&](const boost::system::error_code&) { buttons.value()->stop(); });
  });
  io.run_for(std::chrono::seconds(5));
  ::close(writer);
  CHECK(presses == 2);
}

TEST_CASE("evdev: a missing device is an error naming it", "[integration]") {
  boost::asio::io_context io;
  auto buttons = evdev_buttons::open(io, "/dev/input/event999", KEY_RECORD, [] {});
  REQUIRE_FALSE(buttons);
  CHECK(buttons.error().context.find("/dev/input/event999") != std::string::npos);
}

}  // namespace evdev_buttons_test
