// The local control socket: a Unix-domain stream server (Boost.Asio) that reads request lines, answers each
// through control_protocol, and writes the response line. It runs on the caller's io_context, on whichever
// thread runs it (the daemon's own, or a thread of its own: std::thread([&] { io.run(); })); all its work is
// serialised on one strand, so the command_handler is never called concurrently.
// Guarantees:
//  1. The socket file has mode 0660 from the moment it exists (fchmod before bind, chmod after to undo the
//     umask), so it is never more open than that.
//  2. A stale socket file from a crash is replaced only if nothing listens on it (socket_file.hpp).
//  3. Bounded: at most max_clients connections (one more is answered "busy" and closed), lines of at most
//     max_line_bytes (a longer one is answered "line_too_long" and its connection closed, since the rest of
//     the line cannot be trusted as a request boundary), and every read or write must finish within
//     idle_timeout or the connection is closed.
//  4. One response line per request line, in order; requests pipelined on one connection are answered one
//     after another. A last line without '\n' before the client half-closes is still answered.
// Shutdown: stop() (from any thread) stops accepting and closes every connection; once the io_context has run
// out of the server's work, remove_socket_file() deletes the socket file if it is still ours. The destructor
// only releases (it calls stop()); the io_context must outlive the server.
#pragma once

#include "common/core/error.hpp"
#include "firmware/control/command_handler.hpp"
#include "firmware/control/command_parser.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

namespace bodycam::firmware::control {

struct server_options {
  std::string socket_path;
  std::size_t max_clients = 8;
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(5);
  int listen_backlog = 16;
  // The line limit is the parser's (command_parser::max_line_bytes), so the two can never disagree.
};

class control_server {
 public:
  // Claims and binds options.socket_path, listens, and starts accepting on `io`. `parser` and `handler` must
  // outlive the server.
  [[nodiscard]] static common::core::expected<std::unique_ptr<control_server>> open(boost::asio::io_context& io,
                                                                                    const server_options& options,
                                                                                    const command_parser& parser,
                                                                                    command_handler& handler);

  control_server(const control_server&) = delete;
  control_server& operator=(const control_server&) = delete;
  ~control_server();

  // Thread-safe and idempotent: stop accepting and close every connection. The path lock is held until the
  // server is destroyed.
  void stop();
  // Unlinks the socket file if it is still the one this server bound (a newer instance's file is left alone).
  // Call after stop(); safe from any thread.
  [[nodiscard]] common::core::status remove_socket_file();

  [[nodiscard]] const std::string& socket_path() const noexcept;

 private:
  struct state;  // shared with the connections; defined in control_server.cpp
  explicit control_server(std::shared_ptr<state> shared);
  std::shared_ptr<state> state_;
};

}  // namespace bodycam::firmware::control
