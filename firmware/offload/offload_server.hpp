// The camera's offload service on the network: a Boost.Asio TCP server on the camera that docks connect to.
// Per connection: the link handshake (the camera is the Noise initiator, so its identity is revealed only
// to a dock it has authenticated as an agency dock), then one request frame → one response frame until the
// dock closes (requests the dock sent ahead wait in the link's buffers and are read in turn). Requests are
// answered by offload_handler; a frame that does not decode gets an error response and the connection is
// closed. Every read and write has the link's deadlines.
// Invariants:
//  1. Nothing is answered before both sides accepted each other (secure_stream::handshake succeeded).
//  2. At most `max_connections` links at once; more are closed at once after accept.
//  3. Refusals and failures are reported through `log` with the peer's address (and key fingerprint).
//  4. Requests of one link are answered one at a time, in the order they arrived, one response each; a dock may
//     send requests before the answers to earlier ones arrived (docs/formats/offload.md, pipelined requests).
#pragma once

#include "common/link/secure_stream.hpp"
#include "firmware/offload/offload_handler.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>

namespace bodycam::firmware::offload {

struct server_options {
  boost::asio::ip::tcp::endpoint listen;
  common::link::link_timeouts timeouts;
  std::size_t max_connections = 2;
};

class offload_server {
 public:
  using log_function = std::function<void(const std::string&)>;
  // Binds and starts accepting on `io`. identity, handler and the trust set must outlive the server.
  [[nodiscard]] static common::core::expected<std::unique_ptr<offload_server>> open(
      boost::asio::io_context& io, server_options options, const common::link::link_identity& identity,
      offload_handler& handler, log_function log);
  ~offload_server();
  offload_server(const offload_server&) = delete;
  offload_server& operator=(const offload_server&) = delete;

  // The bound endpoint (the kernel's port when 0 was asked for).
  [[nodiscard]] boost::asio::ip::tcp::endpoint endpoint() const;
  // Stops accepting and aborts open links.
  void stop();

 private:
  struct state;
  explicit offload_server(std::shared_ptr<state> s) : state_(std::move(s)) {}
  std::shared_ptr<state> state_;
};

}  // namespace bodycam::firmware::offload
