// The console's HTTP server: Boost.Beast over TLS (OpenSSL through asio::ssl) or, on a loopback address only,
// plain HTTP for a demo. It moves bytes between sockets and the request handler and enforces the limits; it
// decides nothing about people or pages.
// Guarantees:
//  W1. A non-loopback listen address without a TLS context is refused at start (invalid_argument).
//  W2. Deadlines on every connection: the TLS handshake and the request line + headers within
//      header_timeout (idle_timeout for the next request of a kept-alive connection), the body within
//      body_timeout after them, the whole request within request_timeout, the reply written within
//      request_timeout. A client that stalls or trickles is cut off at the deadline it misses.
//  W3. A body over max_body_bytes (declared or sent) is answered 413 and the connection closed; a header block
//      over 16 KiB likewise (431 is not used: 413 for both, as the dock's status server does).
//  W4. A request that does not parse is answered 400 and closed; at most max_connections are open at once
//      (newcomers beyond are closed at once).
//  W5. After each response the handler's after_send is called once with whether the write succeeded.
//  W6. stop() closes the listeners and every open connection.
#pragma once

#include "common/core/error.hpp"
#include "console/web/console_config.hpp"
#include "console/web/web_message.hpp"

#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

namespace bodycam::console::web {

using request_handler = std::function<web_response(const web_request&)>;

// Loads a PEM certificate chain and private key; TLS 1.2 and later only.
[[nodiscard]] common::core::expected<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(
    const std::string& certificate_file, const std::string& key_file);

class https_server {
 public:
  // `tls` null: plain HTTP, loopback only (W1). Port 0 in an address: any free port (tests); ports() tells.
  [[nodiscard]] static common::core::expected<std::shared_ptr<https_server>> start(
      boost::asio::io_context& io, std::vector<listen_address> listen, server_limits limits,
      std::shared_ptr<boost::asio::ssl::context> tls, request_handler handler);

  virtual ~https_server() = default;
  [[nodiscard]] virtual std::vector<std::uint16_t> ports() const = 0;
  [[nodiscard]] virtual std::size_t open_connections() const noexcept = 0;
  virtual void stop() noexcept = 0;
};

}  // namespace bodycam::console::web
