// A raw HTTP client for the status server tests on 127.0.0.1: send bytes, read until the server closes or the
// client's own deadline passes.
// GCC 12 with -fsanitize=address reports -Wmismatched-new-delete on Asio 1.74's awaitable frames (Asio pairs
// its own frame operator new and delete), a false positive silenced here as in common/link/secure_stream.cpp.
#pragma once
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>  // before Asio: boost/asio/awaitable.hpp (1.74) uses std::exchange without it

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>

namespace bodycam::ingest::status::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct raw_reply {
  std::string text;     // everything the server sent before closing
  bool closed = false;  // it closed the connection (EOF) before our deadline
  bool connected = false;
  std::chrono::steady_clock::duration took{};  // from connected to closed (or our deadline)
};

// Connects, sends `request` (possibly nothing), optionally waits, and reads until the server closes.
// With `from`, the client binds to that local address first (another loopback address: another client).
inline asio::awaitable<raw_reply> exchange_raw(std::uint16_t port, std::string request,
                                               std::chrono::milliseconds deadline = std::chrono::seconds(5),
                                               std::string from = {}) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_after(deadline);
  beast::error_code ec;
  if (!from.empty()) {
    stream.socket().open(tcp::v4(), ec);
    if (!ec) stream.socket().bind(tcp::endpoint(asio::ip::make_address(from), 0), ec);
    if (ec) co_return raw_reply{"bind " + from + ": " + ec.message(), false};
  }
  co_await stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                asio::redirect_error(asio::use_awaitable, ec));
  raw_reply reply;
  if (ec) co_return reply;
  reply.connected = true;
  const auto connected_at = std::chrono::steady_clock::now();
  if (!request.empty()) {
    co_await asio::async_write(stream, asio::buffer(request), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return reply;
  }
  std::array<char, 4096> buffer{};
  for (;;) {
    const std::size_t got =
        co_await stream.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
    reply.text.append(buffer.data(), got);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) {
      reply.closed = true;
      break;
    }
    if (ec) break;  // our own deadline
  }
  reply.took = std::chrono::steady_clock::now() - connected_at;
  co_return reply;
}

inline std::string get(std::string_view target, std::string_view method = "GET") {
  return std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

inline std::string body_of(const std::string& response) {
  const auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : response.substr(at + 4);
}

}  // namespace bodycam::ingest::status::testing
