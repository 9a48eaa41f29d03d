// The real camera port: the secure link (common/link) over TCP to a camera's offload service. The dock is the
// TCP client and the Noise responder (the camera, as initiator, authenticates the dock before it reveals
// itself). Each send, receive and exchange runs the port's own io_context until its frame was written or read
// or a deadline passed, so a dock session reads straight through on its own thread. A send writes the request
// frame at once (requests are small; the socket buffers them while the camera is busy answering earlier ones),
// so several requests can be on the wire while their responses travel back.
// Invariants:
//  1. connect() succeeds only after both sides accepted each other; the camera's key is in `cameras`.
//  2. Every send and receive is bounded by the link's read/write deadlines; after any failure the port is dead.
//  3. Responses are received in the order their requests were sent; exchange() refuses while any is in flight.
#pragma once

#include "common/link/secure_stream.hpp"
#include "ingest/dock/camera_port.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>

namespace bodycam::ingest::dock {

class link_camera_port final : public camera_port {
 public:
  // Connects to `endpoint` and runs the handshake. `identity` and `cameras` must outlive the call.
  [[nodiscard]] static common::core::expected<std::unique_ptr<link_camera_port>> connect(
      const boost::asio::ip::tcp::endpoint& endpoint, const common::link::link_identity& identity,
      const common::link::trust_set& cameras, common::link::link_timeouts timeouts);
  ~link_camera_port() override;

  [[nodiscard]] common::core::expected<common::offload::message> exchange(
      const common::offload::message& request) override;
  [[nodiscard]] common::core::status send(const common::offload::message& request) override;
  [[nodiscard]] common::core::expected<common::offload::message> receive() override;
  [[nodiscard]] std::size_t in_flight() const noexcept override { return in_flight_; }
  [[nodiscard]] common::crypto::public_key peer_key() const override { return peer_; }
  [[nodiscard]] std::string describe() const override { return address_; }
  // Sends a close frame (best effort, bounded).
  void close(const std::string& reason);

 private:
  link_camera_port() = default;
  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<common::link::secure_stream> stream_;
  common::crypto::public_key peer_;
  std::string address_;
  std::size_t in_flight_ = 0;
};

}  // namespace bodycam::ingest::dock
