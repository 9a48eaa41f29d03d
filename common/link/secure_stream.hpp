// The link over TCP: a Boost.Asio stream that runs the link handshake, then reads and writes frames, with a
// deadline on every operation. C++20 coroutines (asio::awaitable), so the dock daemon and the camera's
// offload service read straight through: connect, handshake, loop over read_frame/write_frame.
//
// After the three Noise messages the responder sends one `accept` frame; the initiator's handshake() succeeds
// only when it has read it, so on both sides a successful handshake() means both sides accepted each other.
//
// Invariants:
//  1. Every operation (connect, handshake, read_frame, write_frame, close) has a deadline; when it passes, the
//     socket is closed and the operation fails with `timeout`. A deadline covers the whole operation, not each
//     read: a peer that trickles bytes cannot hold the stream open.
//  2. Any failure (timeout, I/O error, truncated or oversized message, bad tag, refused peer, malformed frame)
//     closes the socket; every later call fails with `closed` quoting the first error.
//  3. During the handshake no wire message may exceed 128 bytes; afterwards, 65535.
//  4. At most one read and one write may be outstanding at a time; the socket's executor must be a strand or
//     a single-threaded io_context (the stream keeps no locks); the stream must outlive its pending operations
//     (as any Asio I/O object).
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"
#include "common/link/frame.hpp"
#include "common/link/link_handshake.hpp"
#include "common/link/secure_channel.hpp"
#include "common/link/wire_decoder.hpp"

#include <array>
#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace bodycam::common::link {

struct link_timeouts {
  std::chrono::milliseconds connect{std::chrono::seconds(10)};
  std::chrono::milliseconds handshake{std::chrono::seconds(10)};
  std::chrono::milliseconds read{std::chrono::seconds(60)};
  std::chrono::milliseconds write{std::chrono::seconds(30)};
};

// A TCP connection to `endpoint` within `timeout`.
[[nodiscard]] boost::asio::awaitable<common::core::expected<boost::asio::ip::tcp::socket>> connect_with_timeout(
    boost::asio::ip::tcp::endpoint endpoint, std::chrono::milliseconds timeout);

class secure_stream {
 public:
  secure_stream(boost::asio::ip::tcp::socket socket, link_timeouts timeouts);
  ~secure_stream();
  secure_stream(const secure_stream&) = delete;
  secure_stream& operator=(const secure_stream&) = delete;
  secure_stream(secure_stream&&) = delete;  // pending deadlines refer to the socket
  secure_stream& operator=(secure_stream&&) = delete;

  // Runs the link handshake as `own_role`. The references must stay valid until the returned awaitable ends.
  [[nodiscard]] boost::asio::awaitable<common::core::status> handshake(role own_role, const link_identity& own,
                                                                       const trust_set& peers, random_source& random);
  // The next data frame. A close frame from the peer ends the stream: `closed` with the peer's reason.
  [[nodiscard]] boost::asio::awaitable<common::core::expected<frame>> read_frame();
  [[nodiscard]] boost::asio::awaitable<common::core::status> write_frame(frame f);
  // Sends a close frame with `reason`, then shuts the socket down.
  [[nodiscard]] boost::asio::awaitable<common::core::status> close(std::string reason);
  // Closes the socket now (no close frame). Pending operations fail.
  void abort() noexcept;

  [[nodiscard]] bool is_open() const noexcept { return !failure_.has_value() && socket_.is_open(); }
  [[nodiscard]] bool is_established() const noexcept { return channel_.has_value() && is_open(); }
  // Valid once handshake() succeeded.
  [[nodiscard]] const common::crypto::public_key& peer_key() const { return channel_->peer_key(); }
  [[nodiscard]] const link::handshake_hash& handshake_hash() const { return channel_->handshake_hash(); }
  // "127.0.0.1:40123", for messages and logs.
  [[nodiscard]] const std::string& peer_address() const noexcept { return peer_address_; }

 private:
  struct deadline;

  [[nodiscard]] boost::asio::awaitable<common::core::expected<common::core::byte_buffer>> read_message(
      deadline& until, std::string_view what);
  [[nodiscard]] boost::asio::awaitable<common::core::status> write_bytes(common::core::byte_view bytes, deadline& until,
                                                                         std::string_view what);
  [[nodiscard]] boost::asio::awaitable<common::core::status> confirm(role own_role, deadline& until);
  [[nodiscard]] std::unexpected<common::core::error> fail_stream(common::core::error e);
  [[nodiscard]] std::unexpected<common::core::error> failed_earlier(std::string_view operation) const;

  boost::asio::ip::tcp::socket socket_;
  link_timeouts timeouts_;
  std::string peer_address_;
  wire_decoder decoder_{max_handshake_message};
  std::optional<secure_channel> channel_;
  std::optional<common::core::error> failure_;
  std::array<std::uint8_t, 16384> read_buffer_{};
};

}  // namespace bodycam::common::link
