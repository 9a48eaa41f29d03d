// service_notify: the address and watchdog parsing, and real datagrams to a socket bound here, as systemd's
// $NOTIFY_SOCKET would be (path and abstract name), including that nothing is sent outside systemd.
#include "common/core/service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace service_notify_test {

using namespace bodycam::common::core;

namespace {

// A datagram socket bound to `name` (a path, or @abstract), standing in for systemd's notify socket.
struct fake_manager {
  unique_fd fd;
  explicit fake_manager(const std::string& name) {
    auto address = parse_notify_address(name);
    REQUIRE(address.has_value());
    fd.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    REQUIRE(fd.is_open());
    REQUIRE(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address->address), address->length) == 0);
    timeval timeout{2, 0};
    REQUIRE(::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) == 0);
  }
  std::string receive() const {
    char buffer[256];
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    return n < 0 ? std::string("<nothing received>") : std::string(buffer, static_cast<std::size_t>(n));
  }
};

struct environment_guard {
  ~environment_guard() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
  }
};

}  // namespace

TEST_CASE("parse_notify_address accepts paths and abstract names and refuses the rest") {
  auto path = parse_notify_address("/run/systemd/notify");
  REQUIRE(path.has_value());
  CHECK(std::string(path->address.sun_path) == "/run/systemd/notify");
  auto abstract = parse_notify_address("@bodycam-test");
  REQUIRE(abstract.has_value());
  CHECK(abstract->address.sun_path[0] == '\0');
  CHECK(std::string(abstract->address.sun_path + 1, 12) == "bodycam-test");
  CHECK_FALSE(parse_notify_address("").has_value());
  CHECK_FALSE(parse_notify_address("relative/socket").has_value());
  const auto too_long = parse_notify_address("/" + std::string(200, 'x'));
  REQUIRE_FALSE(too_long.has_value());
  CHECK(too_long.error().code == errc::invalid_argument);
}

TEST_CASE("watchdog_ping_interval is half of WATCHDOG_USEC, only for this process") {
  CHECK(watchdog_ping_interval("30000000", nullptr, 42) == std::chrono::microseconds(15000000));
  CHECK(watchdog_ping_interval("30000000", "42", 42) == std::chrono::microseconds(15000000));
  CHECK_FALSE(watchdog_ping_interval("30000000", "43", 42).has_value());
  CHECK_FALSE(watchdog_ping_interval(nullptr, "42", 42).has_value());
  CHECK_FALSE(watchdog_ping_interval("0", nullptr, 42).has_value());
  CHECK_FALSE(watchdog_ping_interval("30s", nullptr, 42).has_value());
  CHECK_FALSE(watchdog_ping_interval("30000000", "42x", 42).has_value());
}

TEST_CASE("service_notifier sends each state as one datagram to a path socket") {
  environment_guard guard;
  const auto dir = std::filesystem::temp_directory_path() / ("bodycam-notify-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "notify").string();
  std::filesystem::remove(path);
  fake_manager manager(path);
  REQUIRE(::setenv("NOTIFY_SOCKET", path.c_str(), 1) == 0);
  REQUIRE(::setenv("WATCHDOG_USEC", "4000000", 1) == 0);
  REQUIRE(::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1) == 0);
  auto notifier = service_notifier::from_environment();
  REQUIRE(notifier.has_value());
  CHECK(notifier->enabled());
  CHECK(notifier->watchdog_interval() == std::chrono::microseconds(2000000));
  REQUIRE(notifier->notify("READY=1").has_value());
  REQUIRE(notifier->notify("WATCHDOG=1").has_value());
  REQUIRE(notifier->notify("STOPPING=1").has_value());
  CHECK(manager.receive() == "READY=1");
  CHECK(manager.receive() == "WATCHDOG=1");
  CHECK(manager.receive() == "STOPPING=1");
  std::filesystem::remove_all(dir);
}

TEST_CASE("service_notifier reaches an abstract socket, and names a socket nobody listens on") {
  environment_guard guard;
  const std::string name = "@bodycam-notify-test-" + std::to_string(::getpid());
  {
    fake_manager manager(name);
    REQUIRE(::setenv("NOTIFY_SOCKET", name.c_str(), 1) == 0);
    auto notifier = service_notifier::from_environment();
    REQUIRE(notifier.has_value());
    REQUIRE(notifier->notify("READY=1").has_value());
    CHECK(manager.receive() == "READY=1");
    CHECK_FALSE(notifier->watchdog_interval().has_value());
  }
  auto orphan = service_notifier::from_environment();
  REQUIRE(orphan.has_value());
  const auto sent = orphan->notify("READY=1");
  REQUIRE_FALSE(sent.has_value());
  CHECK(sent.error().context.find("READY=1") != std::string::npos);
  CHECK(sent.error().context.find("NOTIFY_SOCKET") != std::string::npos);
}

TEST_CASE("service_notifier outside systemd sends nothing and succeeds") {
  environment_guard guard;
  ::unsetenv("NOTIFY_SOCKET");
  REQUIRE(::setenv("WATCHDOG_USEC", "4000000", 1) == 0);
  auto notifier = service_notifier::from_environment();
  REQUIRE(notifier.has_value());
  CHECK_FALSE(notifier->enabled());
  CHECK_FALSE(notifier->watchdog_interval().has_value());
  CHECK(notifier->notify("READY=1").has_value());
}

}  // namespace service_notify_test
