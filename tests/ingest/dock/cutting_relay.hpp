// A TCP relay on 127.0.0.1 between a dock and a camera's offload server, for link-cut tests over the real
// link. It forwards whole link messages (every Noise message on the wire is a 2-byte big-endian length and
// that many bytes, common/link/wire_format.hpp) and counts them per direction; it cannot read them (they are
// encrypted), so a test names a cut by message position. On the wire the camera (Noise initiator) sends
// message 1 and 3 of the handshake, then one response per request; the dock sends message 2 and its accept
// frame, then one request per exchange. So request k (1-based) is the (k+1)-th message towards the camera,
// reply k the (k+1)-th towards the dock, counting from 0.
// Guarantees: one connection is relayed; the message chosen by the cut is never forwarded, and when it is
// complete at the relay both sockets are shut down at once, so the dock sees the link end and the camera
// never sees that message. Bounded: the relay thread ends at the destructor (or when both sides closed).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace bodycam::tests {

enum class relay_direction { to_camera, to_dock };

struct relay_cut {
  relay_direction direction = relay_direction::to_camera;
  std::size_t message_index = 0;  // 0-based, in that direction
};

// Message positions of the k-th exchange (1-based), per the layout above.
[[nodiscard]] constexpr relay_cut cut_before_request(std::size_t k) { return {relay_direction::to_camera, k + 1}; }
[[nodiscard]] constexpr relay_cut cut_reply(std::size_t k) { return {relay_direction::to_dock, k + 1}; }

class cutting_relay {
 public:
  // Listens on 127.0.0.1 (a kernel port); relays the first connection to 127.0.0.1:`camera_port`.
  // Throws std::runtime_error naming the call if the listening socket cannot be set up.
  cutting_relay(std::uint16_t camera_port, std::optional<relay_cut> cut);
  ~cutting_relay();
  cutting_relay(const cutting_relay&) = delete;
  cutting_relay& operator=(const cutting_relay&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  // Whole messages forwarded so far in each direction (the cut one not counted).
  [[nodiscard]] std::size_t forwarded(relay_direction d) const noexcept {
    return d == relay_direction::to_camera ? to_camera_.load() : to_dock_.load();
  }
  [[nodiscard]] bool has_cut() const noexcept { return cut_done_.load(); }
  // Empty, or what went wrong in the relay itself (accept, connect, a short send).
  [[nodiscard]] std::string failure() const;

 private:
  void run();
  void fail(const std::string& what);

  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::uint16_t camera_port_ = 0;
  std::optional<relay_cut> cut_;
  std::atomic<std::size_t> to_camera_{0}, to_dock_{0};
  std::atomic<bool> cut_done_{false};
  mutable std::mutex mutex_;
  std::string failure_;
  std::thread thread_;
};

}  // namespace bodycam::tests
