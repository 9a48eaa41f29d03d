// The status HTTP server (guarantees S1-S7 in status_server.hpp): Boost.Beast over one Asio io_context,
// C++20 coroutines; one coroutine accepts, one per connection reads one request and writes one reply.
// Every byte of a reply comes from route_status_request (pure, tested without sockets).
// GCC 12 with -fsanitize=address reports -Wmismatched-new-delete on Asio 1.74's awaitable frames (Asio pairs
// its own frame operator new and delete), a false positive silenced here as in common/link/secure_stream.cpp.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "ingest/status/status_server.hpp"

#include "ingest/status/connection_admission.hpp"
#include "ingest/status/status_renderers.hpp"

#include <array>
#include <map>
#include <optional>
#include <utility>  // before Asio: boost/asio/awaitable.hpp (1.74) uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace bodycam::ingest::status {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
namespace core = common::core;

namespace {

std::string endpoint_text(const tcp::endpoint& e) { return e.address().to_string() + ":" + std::to_string(e.port()); }

class server final : public status_server, public std::enable_shared_from_this<server> {
 public:
  server(asio::io_context& io, status_server_options options, status_provider provider)
      : io_(io),
        acceptor_(io),
        options_(std::move(options)),
        provider_(std::move(provider)),
        admission_({options_.max_connections, options_.max_connections_per_client}) {}

  core::status listen(const asio::ip::address& address) {
    const tcp::endpoint endpoint(address, options_.port);
    const std::string where = "status server: listen on " + endpoint_text(endpoint);
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(static_cast<int>(std::min<std::size_t>(options_.max_connections * 2, 128)), ec);
    if (ec) return core::fail(core::errc::io, where + ": " + ec.message());
    port_ = acceptor_.local_endpoint(ec).port();
    if (ec) return core::fail(core::errc::io, where + ": " + ec.message());
    return {};
  }

  void run() { asio::co_spawn(io_, accept_loop(shared_from_this()), asio::detached); }

  std::uint16_t port() const noexcept override { return port_; }
  std::size_t open_connections() const noexcept override { return connections_.size(); }

  void stop() noexcept override {  // S6
    stopped_ = true;
    beast::error_code ec;
    acceptor_.close(ec);
    for (auto& [id, weak] : connections_)
      if (auto stream = weak.lock()) stream->socket().close(ec);
  }

 private:
  using connection_id = connection_admission::connection_id;

  static asio::awaitable<void> accept_loop(std::shared_ptr<server> self) {
    while (!self->stopped_) {
      beast::error_code ec;
      tcp::socket socket = co_await self->acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (self->stopped_) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        // Out of file descriptors or similar: pause instead of spinning.
        asio::steady_timer pause(self->io_, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      const auto remote = socket.remote_endpoint(ec);
      const auto decision = self->admission_.admit(ec ? std::string() : remote.address().to_string());  // S3
      for (const connection_id cut : decision.cut)
        if (auto it = self->connections_.find(cut); it != self->connections_.end())
          if (auto stream = it->second.lock()) stream->socket().close(ec);
      if (!decision.admitted) {
        socket.close(ec);
        continue;
      }
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      self->connections_[decision.id] = stream;
      asio::co_spawn(self->io_, serve(self, stream, decision.id), asio::detached);
    }
  }

  static asio::awaitable<void> serve(std::shared_ptr<server> self, std::shared_ptr<beast::tcp_stream> stream,
                                     connection_id id) {
    struct unregister {
      unregister(server& owner, connection_id connection) : s(owner), id(connection) {}
      server& s;
      connection_id id;
      unregister(const unregister&) = delete;
      unregister& operator=(const unregister&) = delete;
      ~unregister() {
        s.connections_.erase(id);
        s.admission_.remove(id);
      }
    } guard{*self, id};

    stream->expires_after(std::min(self->options_.idle_timeout, self->options_.request_timeout));  // S2
    beast::flat_buffer buffer(self->options_.max_request_bytes);
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(self->options_.max_request_bytes));
    parser.body_limit(self->options_.max_request_bytes);
    beast::error_code ec;
    co_await http::async_read(*stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));

    http::response<http::string_body> response;
    response.version(11);
    response.keep_alive(false);  // S5
    response.set(http::field::server, "bodycam-dockd");
    response.set(http::field::cache_control, "no-store");
    bool head = false;
    std::optional<status_reply> refusal;
    if (ec == http::error::header_limit || ec == http::error::body_limit || ec == http::error::buffer_overflow) {
      refusal = oversized_request_reply();  // S4
    } else if (ec && ec.category() == http::make_error_code(http::error::bad_method).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      refusal = malformed_request_reply(ec.message());  // S7
    } else if (ec) {
      stream->socket().close(ec);  // cut off (S2, S3), closed or reset by the client: nothing to answer
      co_return;
    }
    self->admission_.mark_answering(id);
    if (refusal) {
      response.result(refusal->status_code);
      response.set(http::field::content_type, refusal->content_type);
      response.body() = std::move(refusal->body);
    } else {
      const auto& request = parser.get();
      head = request.method() == http::verb::head;
      status_reply reply;
      try {
        reply =
            route_status_request(std::string_view(request.method_string().data(), request.method_string().size()),
                                 std::string_view(request.target().data(), request.target().size()), self->provider_());
      } catch (const std::exception& e) {  // a provider bug must not take the daemon down
        reply = {500, "text/plain; charset=utf-8", std::string("500 status unavailable: ") + e.what() + "\n"};
      }
      response.result(reply.status_code);
      response.set(http::field::content_type, reply.content_type);
      if (reply.status_code == 405) response.set(http::field::allow, "GET, HEAD");
      response.body() = std::move(reply.body);
    }
    stream->expires_after(self->options_.request_timeout);  // S2: the reply
    response.prepare_payload();
    if (head) response.body().clear();  // Content-Length stays that of the GET body
    co_await http::async_write(*stream, response, asio::redirect_error(asio::use_awaitable, ec));
    stream->socket().shutdown(tcp::socket::shutdown_send, ec);
    if (refusal && !ec) {
      // A client still sending (the rest of a large or garbled request) would turn our close into a reset that
      // discards the reply before it reads it: read what it sends, briefly and boundedly, until it closes.
      stream->expires_after(std::min(std::chrono::milliseconds(500), self->options_.request_timeout));
      std::array<char, 4096> sink{};
      for (std::size_t drained = 0; !ec && drained < 64 * 1024;)
        drained += co_await stream->async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
    }
    stream->socket().close(ec);
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  status_server_options options_;
  status_provider provider_;
  connection_admission admission_;
  std::map<connection_id, std::weak_ptr<beast::tcp_stream>> connections_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace

core::expected<std::shared_ptr<status_server>> status_server::start(asio::io_context& io, status_server_options options,
                                                                    status_provider provider) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(options.address, ec);
  if (ec)
    return core::fail(core::errc::invalid_argument, "status server address '" + options.address + "': " + ec.message());
  if (!address.is_loopback())  // S1
    return core::fail(core::errc::invalid_argument, "status server address " + options.address +
                                                        ": only a loopback address (127.0.0.1, ::1) is allowed");
  if (!provider) return core::fail(core::errc::invalid_argument, "status server: no status provider");
  if (options.max_connections < 2 || options.max_connections_per_client == 0 || options.max_request_bytes < 256 ||
      options.request_timeout <= std::chrono::milliseconds::zero() ||
      options.idle_timeout <= std::chrono::milliseconds::zero())
    return core::fail(
        core::errc::invalid_argument,
        "status server: max_connections must be >= 2 (one is kept for a newcomer), "
        "max_connections_per_client >= 1, max_request_bytes >= 256, request_timeout and idle_timeout > 0");
  auto s = std::make_shared<server>(io, std::move(options), std::move(provider));
  if (auto ok = s->listen(address); !ok) return std::unexpected(ok.error());
  s->run();
  return std::shared_ptr<status_server>(std::move(s));
}

}  // namespace bodycam::ingest::status
