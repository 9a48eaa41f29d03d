// Tells the service manager (systemd) how a daemon is doing: READY=1 once it serves, WATCHDOG=1 while its
// loop runs, STOPPING=1 when it drains. The protocol is one datagram with the state text to the Unix socket
// named in $NOTIFY_SOCKET (a path, or an abstract name written with a leading '@'); no libsystemd. Outside
// systemd ($NOTIFY_SOCKET unset) every call is a no-op that says so, so the daemons run the same everywhere.
// The parsing (socket address, watchdog interval) is pure; only service_notifier touches a socket.
#pragma once

#include "common/core/error.hpp"
#include "common/core/unique_fd.hpp"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <chrono>
#include <optional>
#include <string_view>

namespace bodycam::common::core {

struct notify_address {
  sockaddr_un address{};
  socklen_t length = 0;
};

// "/run/systemd/notify" or "@abstract-name"; refuses an empty, relative or too long value.
[[nodiscard]] expected<notify_address> parse_notify_address(std::string_view value);

// How often to send WATCHDOG=1: half of $WATCHDOG_USEC, if set, positive, and meant for this process
// ($WATCHDOG_PID absent or equal to self). nullopt: no watchdog asked for.
[[nodiscard]] std::optional<std::chrono::microseconds> watchdog_ping_interval(const char* watchdog_usec,
                                                                              const char* watchdog_pid, pid_t self);

class service_notifier {
 public:
  // From $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID; an unset $NOTIFY_SOCKET gives a disabled notifier.
  [[nodiscard]] static expected<service_notifier> from_environment();

  [[nodiscard]] bool enabled() const noexcept { return socket_.is_open(); }
  [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_interval() const noexcept { return watchdog_; }

  // Sends one state datagram ("READY=1", "WATCHDOG=1", "STOPPING=1"); a disabled notifier sends nothing.
  [[nodiscard]] status notify(std::string_view state) const;

 private:
  unique_fd socket_;
  notify_address target_{};
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace bodycam::common::core
