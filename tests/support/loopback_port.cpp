// See loopback_port.hpp.
#include "tests/support/loopback_port.hpp"

#include "common/core/unique_fd.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace bodycam::tests {

namespace {

// A TCP socket bound to 127.0.0.1:port (0: a port the kernel picks), with SO_REUSEADDR if `reuse`; closed
// (not open) if the bind failed, errno then saying why. Throws if no socket can be made.
common::core::unique_fd bound_loopback_socket(std::uint16_t port, bool reuse, const char* who) {
  common::core::unique_fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  if (!fd.is_open()) throw std::runtime_error(std::string(who) + ": socket: " + std::strerror(errno));
  const int on = 1;
  if (reuse) (void)::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    const int why = errno;
    fd.reset();
    errno = why;
  }
  return fd;
}

constexpr unsigned block_ports = 16;
constexpr unsigned first_port = 10'000;
constexpr unsigned blocks = 10'000 / block_ports;

// Whether nothing listens on or is bound to 127.0.0.1:port now (a bind with SO_REUSEADDR succeeds).
bool bindable(unsigned port) {
  return bound_loopback_socket(static_cast<std::uint16_t>(port), true, "daemon_loopback_port").is_open();
}

unsigned choose_block() {
  const auto start = static_cast<unsigned>(::getpid()) % blocks;
  for (unsigned k = 0; k < blocks; ++k) {
    const unsigned base = first_port + ((start + k) % blocks) * block_ports;
    bool free = true;
    for (unsigned i = 0; i < block_ports && free; ++i) free = bindable(base + i);
    if (free) return base;
  }
  throw std::runtime_error("daemon_loopback_port: no block of 16 free ports in 10000-19999 on 127.0.0.1");
}

}  // namespace

std::uint16_t free_loopback_port() {
  const auto fd = bound_loopback_socket(0, false, "free_loopback_port");
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (!fd.is_open() || ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error(std::string("free_loopback_port: bind 127.0.0.1:0: ") + std::strerror(errno));
  return ntohs(a.sin_port);
}

std::uint16_t daemon_loopback_port(unsigned index) {
  if (index >= block_ports)
    throw std::runtime_error("daemon_loopback_port: index " + std::to_string(index) + " is not below 16");
  static const unsigned base = choose_block();
  return static_cast<std::uint16_t>(base + index);
}

}  // namespace bodycam::tests
