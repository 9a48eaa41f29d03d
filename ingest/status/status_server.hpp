// The dock's status over HTTP on the loopback interface (Boost.Beast): GET /status.json, /metrics, / (HTML).
// It runs on the caller's io_context (the dock daemon's), so the snapshot function is called on that
// context's thread and needs no locking.
// Guarantees:
//  S1. It listens only on a loopback address (127.0.0.0/8 or ::1); anything else is refused at start
//      (invalid_argument): the status is unauthenticated and for the office machine only.
//  S2. Every connection has deadlines: its request must have arrived within idle_timeout (and
//      request_timeout) of the accept, so a client that stays silent or trickles is cut off then; the reply
//      must be written within request_timeout.
//  S3. Admission under a flood (connection_admission, A1-A4): at most max_connections open, at most
//      max_connections_per_client from one address, and one slot kept free for a newcomer by cutting the
//      oldest connection still waiting for its request, so an operator's request is answered at once while
//      slow clients hold every other slot.
//  S4. Requests larger than max_request_bytes (header + body) are answered 413 and closed.
//  S5. One request per connection (Connection: close), so no idle keep-alive holds a slot.
//  S6. stop() closes the listener and every open connection; after the io_context has run the pending
//      handlers, nothing of the server is left running.
//  S7. A request that does not parse as HTTP/1.x (bad request line, bad method token, bad header) is answered
//      400 and closed; a client that closes before sending a request, or is cut off by S2, gets nothing.
#pragma once

#include "common/core/error.hpp"
#include "ingest/status/dock_status.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

namespace bodycam::ingest::status {

struct status_server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8470;  // 0: any free port (tests); port() tells which
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds idle_timeout{3000};
  std::size_t max_connections = 16;
  std::size_t max_connections_per_client = 8;
  std::size_t max_request_bytes = 8192;
};

// Called once per request, on the io_context's thread.
using status_provider = std::function<dock_status()>;

class status_server {
 public:
  // Binds and starts accepting; the server runs as long as the io_context runs and stop() is not called.
  [[nodiscard]] static common::core::expected<std::shared_ptr<status_server>> start(boost::asio::io_context& io,
                                                                                    status_server_options options,
                                                                                    status_provider provider);

  virtual ~status_server() = default;
  [[nodiscard]] virtual std::uint16_t port() const noexcept = 0;
  [[nodiscard]] virtual std::size_t open_connections() const noexcept = 0;
  virtual void stop() noexcept = 0;
};

}  // namespace bodycam::ingest::status
