// See loopback_port.hpp.
#include "tests/support/loopback_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace bodycam::tests {

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("free_loopback_port: socket: ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("free_loopback_port: bind 127.0.0.1:0: " + why);
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

namespace {

constexpr unsigned block_ports = 16;
constexpr unsigned first_port = 10'000;
constexpr unsigned blocks = 10'000 / block_ports;

// Whether nothing listens on or is bound to 127.0.0.1:port now (a bind with SO_REUSEADDR succeeds).
bool bindable(unsigned port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("daemon_loopback_port: socket: ") + std::strerror(errno));
  const int on = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
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

std::uint16_t daemon_loopback_port(unsigned index) {
  if (index >= block_ports)
    throw std::runtime_error("daemon_loopback_port: index " + std::to_string(index) + " is not below 16");
  static const unsigned base = choose_block();
  return static_cast<std::uint16_t>(base + index);
}

}  // namespace bodycam::tests
