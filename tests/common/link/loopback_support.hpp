// Loopback TCP helpers for the [integration] tests of the link: a listener on 127.0.0.1 with a kernel-chosen
// port, a bounded io_context run, raw socket helpers for peers that misbehave on purpose.
#pragma once

// Same GCC 12 / Asio 1.74 false positive as in common/link/secure_stream.cpp (frame operator new/delete).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "common/link/secure_stream.hpp"
#include "link_test_support.hpp"

#include <chrono>
#include <exception>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

// REQUIRE for expected/status results that shows the error's context when it fails.
#define BODYCAM_REQUIRE_OK(result_expression)                                        \
  do {                                                                               \
    const auto& bodycam_require_ok_result = (result_expression);                     \
    if (!bodycam_require_ok_result) FAIL(bodycam_require_ok_result.error().context); \
  } while (false)

namespace bodycam::common::link::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// Short deadlines so timeout tests end quickly; generous enough for a loaded 2-core machine.
inline link_timeouts test_timeouts() {
  link_timeouts t;
  t.connect = 5s;
  t.handshake = 5s;
  t.read = 5s;
  t.write = 5s;
  return t;
}

inline link_timeouts short_timeouts() {
  link_timeouts t = test_timeouts();
  t.handshake = 300ms;
  t.read = 300ms;
  t.write = 300ms;
  return t;
}

// Completion handler for co_spawn: an exception inside a test coroutine (a failed REQUIRE) leaves io.run.
inline void rethrow(const std::exception_ptr& e) {
  if (e) std::rethrow_exception(e);
}

// Runs until every coroutine has finished; fails the test if that takes more than `bound`.
inline void run_bounded(asio::io_context& io, std::chrono::seconds bound = 20s) {
  io.run_for(bound);
  REQUIRE(io.stopped());
}

inline tcp::acceptor loopback_listener(asio::io_context& io) {
  return tcp::acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
}

inline asio::awaitable<tcp::socket> accept_one(tcp::acceptor& acceptor) {
  boost::system::error_code ec;
  tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
  REQUIRE_FALSE(ec);
  co_return socket;
}

inline asio::awaitable<tcp::socket> connect_raw(tcp::endpoint endpoint) {
  auto socket = co_await connect_with_timeout(endpoint, 5s);
  REQUIRE(socket.has_value());
  co_return std::move(*socket);
}

inline asio::awaitable<void> send_raw(tcp::socket& socket, core::byte_view bytes) {
  boost::system::error_code ec;
  co_await asio::async_write(socket, asio::buffer(bytes.data(), bytes.size()),
                             asio::redirect_error(asio::use_awaitable, ec));
  REQUIRE_FALSE(ec);
}

// Reads one wire message (length prefix + body) from a raw socket.
inline asio::awaitable<core::byte_buffer> receive_raw_message(tcp::socket& socket) {
  std::array<std::uint8_t, 2> prefix{};
  boost::system::error_code ec;
  co_await asio::async_read(socket, asio::buffer(prefix), asio::redirect_error(asio::use_awaitable, ec));
  REQUIRE_FALSE(ec);
  core::byte_buffer body((std::size_t{prefix[0]} << 8) | prefix[1]);
  co_await asio::async_read(socket, asio::buffer(body), asio::redirect_error(asio::use_awaitable, ec));
  REQUIRE_FALSE(ec);
  co_return body;
}

// Waits until the peer closes the connection (bounded by the peer's own deadlines).
inline asio::awaitable<void> wait_for_close(tcp::socket& socket) {
  std::array<std::uint8_t, 256> sink{};
  boost::system::error_code ec;
  while (!ec) co_await socket.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace bodycam::common::link::testing
