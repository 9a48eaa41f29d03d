// The link-cut relay (see cutting_relay.hpp): poll(2) over the two sockets and a wake-up pipe, whole
// length-prefixed messages forwarded one by one.
#include "tests/ingest/dock/cutting_relay.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace bodycam::tests {

namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool send_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// One direction of the relay: bytes received and not yet forwarded, whole messages counted.
struct half {
  int from = -1, to = -1;
  relay_direction direction{};
  std::vector<std::uint8_t> pending;
  bool open = true;
};

}  // namespace

cutting_relay::cutting_relay(std::uint16_t camera_port, std::optional<relay_cut> cut)
    : camera_port_(camera_port), cut_(cut) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(errno_text("relay socket"));
  auto at = loopback(0);
  socklen_t len = sizeof at;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 || ::listen(listen_fd_, 1) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&at), &len) != 0) {
    const auto why = errno_text("relay bind/listen on 127.0.0.1");
    ::close(listen_fd_);
    throw std::runtime_error(why);
  }
  port_ = ntohs(at.sin_port);
  if (::pipe2(wake_, O_CLOEXEC) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error(errno_text("relay wake-up pipe"));
  }
  thread_ = std::thread([this] { run(); });
}

cutting_relay::~cutting_relay() {
  const char stop = 's';
  (void)!::write(wake_[1], &stop, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_[0]);
  ::close(wake_[1]);
}

std::string cutting_relay::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

void cutting_relay::fail(const std::string& what) {
  std::lock_guard lock(mutex_);
  if (failure_.empty()) failure_ = what;
}

void cutting_relay::run() {
  std::array<pollfd, 2> accept_fds{{{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}}};
  if (::poll(accept_fds.data(), accept_fds.size(), -1) <= 0 || (accept_fds[1].revents & POLLIN) != 0) return;
  const int dock = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (dock < 0) return fail(errno_text("relay accept"));
  const int camera = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const auto camera_at = loopback(camera_port_);
  if (camera < 0 || ::connect(camera, reinterpret_cast<const sockaddr*>(&camera_at), sizeof camera_at) != 0) {
    fail(errno_text("relay connect to the camera"));
    ::close(dock);
    if (camera >= 0) ::close(camera);
    return;
  }
  std::array<half, 2> halves{
      {{dock, camera, relay_direction::to_camera, {}, true}, {camera, dock, relay_direction::to_dock, {}, true}}};
  auto cut_both = [&] {
    ::shutdown(dock, SHUT_RDWR);
    ::shutdown(camera, SHUT_RDWR);
  };
  bool done = false;
  while (!done && (halves[0].open || halves[1].open)) {
    std::array<pollfd, 3> fds{
        {{halves[0].open ? dock : -1, POLLIN, 0}, {halves[1].open ? camera : -1, POLLIN, 0}, {wake_[0], POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      fail(errno_text("relay poll"));
      break;
    }
    if ((fds[2].revents & POLLIN) != 0) break;
    for (std::size_t i = 0; i < 2 && !done; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      half& h = halves[i];
      std::array<std::uint8_t, 65536> buffer{};
      const ssize_t n = ::recv(h.from, buffer.data(), buffer.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // this side ended: pass the end on
        h.open = false;
        ::shutdown(h.to, SHUT_WR);
        continue;
      }
      h.pending.insert(h.pending.end(), buffer.begin(), buffer.begin() + n);
      auto& count = h.direction == relay_direction::to_camera ? to_camera_ : to_dock_;
      while (h.pending.size() >= 2) {
        const std::size_t size = 2 + (std::size_t{h.pending[0]} << 8 | h.pending[1]);
        if (h.pending.size() < size) break;
        if (cut_ && cut_->direction == h.direction && cut_->message_index == count.load()) {
          cut_done_ = true;
          cut_both();
          done = true;
          break;
        }
        // Counted before it is sent: the peer may act on the message (and the test read the count) before
        // send_all returns here; a message that could not be sent is taken back.
        ++count;
        if (!send_all(h.to, h.pending.data(), size)) {
          --count;
          h.open = false;
          break;
        }
        h.pending.erase(h.pending.begin(), h.pending.begin() + static_cast<std::ptrdiff_t>(size));
      }
    }
  }
  ::close(dock);
  ::close(camera);
}

}  // namespace bodycam::tests
