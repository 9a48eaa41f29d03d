#include "tests/firmware/control/socket_client.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <catch2/catch.hpp>

namespace bodycam::tests {

namespace fs = std::filesystem;

namespace {

constexpr int wait_cap_seconds = 10;

sockaddr_un address_of(const fs::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string text = path.string();
  REQUIRE(text.size() < sizeof address.sun_path);
  std::memcpy(address.sun_path, text.data(), text.size());
  return address;
}

int connect_to(const fs::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  const sockaddr_un address = address_of(path);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

socket_client::socket_client(const fs::path& path) : fd_(connect_to(path)) {
  REQUIRE(fd_.is_open());
  timeval cap{};
  cap.tv_sec = wait_cap_seconds;
  REQUIRE(::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &cap, sizeof cap) == 0);
  REQUIRE(::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDTIMEO, &cap, sizeof cap) == 0);
}

bool socket_client::can_connect(const fs::path& path) {
  common::core::unique_fd fd(connect_to(path));
  return fd.is_open();
}

void socket_client::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    REQUIRE(n > 0);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void socket_client::shutdown_write() { REQUIRE(::shutdown(fd_.get(), SHUT_WR) == 0); }

read_result socket_client::read_line() {
  for (;;) {
    if (const auto end = pending_.find('\n'); end != std::string::npos) {
      read_result out{read_outcome::line, pending_.substr(0, end)};
      pending_.erase(0, end + 1);
      return out;
    }
    char chunk[4096];
    const ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
    if (n > 0) {
      pending_.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return {read_outcome::timed_out, {}};
    // 0: orderly close; ECONNRESET: the server closed with our unread bytes in its queue.
    return {read_outcome::closed, {}};
  }
}

std::string socket_client::request(std::string_view line) {
  send(std::string(line) + "\n");
  read_result result = read_line();
  REQUIRE(result.outcome == read_outcome::line);
  return result.line;
}

void make_stale_socket(const fs::path& path) {
  common::core::unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(fd.is_open());
  const sockaddr_un address = address_of(path);
  REQUIRE(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(fd.get(), 1) == 0);
  // Closing without unlinking leaves the file behind with nothing listening: a crash.
}

}  // namespace bodycam::tests
