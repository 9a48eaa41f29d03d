// service_notify: $NOTIFY_SOCKET datagrams (see the header).
#include "common/core/service_notify.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>

namespace bodycam::common::core {

expected<notify_address> parse_notify_address(std::string_view value) {
  notify_address out;
  out.address.sun_family = AF_UNIX;
  if (value.size() < 2 || (value.front() != '/' && value.front() != '@'))
    return fail(errc::invalid_argument, "notify socket '" + std::string(value) + "': not an absolute path or @name");
  if (value.size() >= sizeof(out.address.sun_path))
    return fail(errc::invalid_argument, "notify socket '" + std::string(value) + "': longer than a socket address");
  std::memcpy(out.address.sun_path, value.data(), value.size());
  if (value.front() == '@') out.address.sun_path[0] = '\0';  // abstract namespace: no terminator counted
  out.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + value.size() + (value.front() == '/' ? 1 : 0));
  return out;
}

std::optional<std::chrono::microseconds> watchdog_ping_interval(const char* watchdog_usec, const char* watchdog_pid,
                                                                pid_t self) {
  if (watchdog_usec == nullptr) return std::nullopt;
  if (watchdog_pid != nullptr) {
    long long pid = 0;
    const std::string_view text(watchdog_pid);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
    if (ec != std::errc{} || end != text.data() + text.size() || pid != self) return std::nullopt;
  }
  unsigned long long usec = 0;
  const std::string_view text(watchdog_usec);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), usec);
  if (ec != std::errc{} || end != text.data() + text.size() || usec < 2) return std::nullopt;
  return std::chrono::microseconds(static_cast<std::chrono::microseconds::rep>(usec / 2));
}

expected<service_notifier> service_notifier::from_environment() {
  service_notifier out;
  const char* socket_env = std::getenv("NOTIFY_SOCKET");
  if (socket_env == nullptr || *socket_env == '\0') return out;
  auto target = parse_notify_address(socket_env);
  if (!target) return std::unexpected(target.error());
  unique_fd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.is_open()) return fail_errno("open notify socket", socket_env, errno);
  out.socket_ = std::move(fd);
  out.target_ = *target;
  out.watchdog_ = watchdog_ping_interval(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"), ::getpid());
  return out;
}

status service_notifier::notify(std::string_view state) const {
  if (!enabled()) return {};
  for (;;) {
    const ssize_t n = ::sendto(socket_.get(), state.data(), state.size(), MSG_NOSIGNAL,
                               reinterpret_cast<const sockaddr*>(&target_.address), target_.length);
    if (n >= 0) return {};
    if (errno != EINTR) return fail_errno("send " + std::string(state) + " to notify socket", "$NOTIFY_SOCKET", errno);
  }
}

}  // namespace bodycam::common::core
