// The HTTP face of `bodycam witness serve` (Boost.Beast on the caller's io_context): POST /add-checkpoint is
// handed to a witness_service; every other path is 404, another method on that path 405.
// Guarantees:
//  W1. Every connection has deadlines: its whole request within request_timeout of the accept, the reply within
//      request_timeout, so a silent or trickling client is cut off.
//  W2. A body larger than max_body_bytes (or a header past max_header_bytes) is answered 413 and closed.
//  W3. At most max_connections are open; a connection beyond is closed at once (a dock retries at its next
//      docking, a witness must not be exhausted by a flood).
//  W4. One request per connection (Connection: close).
//  W5. stop() closes the listener and every open connection.
#pragma once

#include "tools/witness/witness_service.hpp"

#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

namespace bodycam::tools::witness {

struct witness_server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port; port() tells which
  std::chrono::milliseconds request_timeout{10000};
  std::size_t max_connections = 32;
  std::size_t max_header_bytes = 8192;
  std::size_t max_body_bytes = 64 * 1024;
  std::function<void(const std::string&)> log;  // one line per answered request, if set
};

class witness_server {
 public:
  // Binds and starts accepting. The service must outlive the server.
  [[nodiscard]] static common::core::expected<std::shared_ptr<witness_server>> start(boost::asio::io_context& io,
                                                                                     witness_server_options options,
                                                                                     witness_service& service);
  virtual ~witness_server() = default;
  [[nodiscard]] virtual std::uint16_t port() const noexcept = 0;
  virtual void stop() noexcept = 0;
};

// host:port → address, port ("127.0.0.1:8480", "[::1]:8480"). Errors: malformed naming the text.
[[nodiscard]] common::core::expected<std::pair<std::string, std::uint16_t>> parse_listen_address(std::string_view text);

}  // namespace bodycam::tools::witness
