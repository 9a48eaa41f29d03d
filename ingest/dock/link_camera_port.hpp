// The real camera port: the secure link (common/link) over TCP to a camera's offload service. The dock is the
// TCP client and the Noise responder (the camera, as initiator, authenticates the dock before it reveals
// itself). Each exchange runs the port's own io_context until the response frame arrived or a deadline
// passed, so a dock session reads straight through on its own thread.
// Invariants:
//  1. connect() succeeds only after both sides accepted each other; the camera's key is in `cameras`.
//  2. Every exchange is bounded by the link's read/write deadlines; after any failure the port is dead.
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
};

}  // namespace bodycam::ingest::dock
