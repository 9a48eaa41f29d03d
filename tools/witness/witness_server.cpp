// The witness's HTTP server (guarantees W1-W5 in witness_server.hpp): C++20 coroutines on one io_context, one
// accepting, one per connection reading one request and writing one reply built by witness_service.
// GCC 12 with -fsanitize=address reports -Wmismatched-new-delete on Asio 1.74's awaitable frames, a false
// positive silenced here as in ingest/status/status_server.cpp.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "tools/witness/witness_server.hpp"

#include <charconv>
#include <map>
#include <utility>  // before Asio: boost/asio/awaitable.hpp (1.74) uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace bodycam::tools::witness {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
namespace core = bodycam::common::core;

namespace {

class server final : public witness_server, public std::enable_shared_from_this<server> {
 public:
  server(asio::io_context& io, witness_server_options options, witness_service& service)
      : io_(io), acceptor_(io), options_(std::move(options)), service_(service) {}

  core::status listen(const asio::ip::address& address) {
    const tcp::endpoint endpoint(address, options_.port);
    const std::string where = "witness server: listen on " + options_.address + ":" + std::to_string(options_.port);
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(64, ec);
    if (ec) return core::fail(core::errc::io, where + ": " + ec.message());
    port_ = acceptor_.local_endpoint(ec).port();
    if (ec) return core::fail(core::errc::io, where + ": " + ec.message());
    return {};
  }

  void run() { asio::co_spawn(io_, accept_loop(shared_from_this()), asio::detached); }
  std::uint16_t port() const noexcept override { return port_; }

  void stop() noexcept override {  // W5
    stopped_ = true;
    beast::error_code ec;
    acceptor_.close(ec);
    for (auto& [id, weak] : connections_)
      if (auto stream = weak.lock()) stream->socket().close(ec);
  }

 private:
  static asio::awaitable<void> accept_loop(std::shared_ptr<server> self) {
    while (!self->stopped_) {
      beast::error_code ec;
      tcp::socket socket = co_await self->acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (self->stopped_ || ec == asio::error::operation_aborted) co_return;
      if (ec) {  // out of descriptors or similar: pause instead of spinning
        asio::steady_timer pause(self->io_, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      if (self->connections_.size() >= self->options_.max_connections) {  // W3
        socket.close(ec);
        continue;
      }
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      const auto id = self->next_id_++;
      self->connections_[id] = stream;
      asio::co_spawn(self->io_, serve(self, stream, id), asio::detached);
    }
  }

  static asio::awaitable<void> serve(std::shared_ptr<server> self, std::shared_ptr<beast::tcp_stream> stream,
                                     std::uint64_t id) {
    struct unregister {
      unregister(server& owner, std::uint64_t connection) : s(owner), id(connection) {}
      server& s;
      std::uint64_t id;
      unregister(const unregister&) = delete;
      unregister& operator=(const unregister&) = delete;
      ~unregister() { s.connections_.erase(id); }
    } guard{*self, id};

    stream->expires_after(self->options_.request_timeout);  // W1
    beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(self->options_.max_header_bytes));
    parser.body_limit(self->options_.max_body_bytes);
    beast::error_code ec;
    co_await http::async_read(*stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));

    witness_reply reply;
    std::string allow;
    if (ec == http::error::header_limit || ec == http::error::body_limit || ec == http::error::buffer_overflow) {
      reply = {413, "text/plain; charset=utf-8", "413 request too large\n"};  // W2
    } else if (ec && ec.category() == http::make_error_code(http::error::bad_method).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      reply = {400, "text/plain; charset=utf-8", "400 not an HTTP request: " + ec.message() + "\n"};
    } else if (ec) {
      stream->socket().close(ec);  // timed out, closed or reset by the client: nothing to answer
      co_return;
    } else {
      const auto& request = parser.get();
      const std::string_view target(request.target().data(), request.target().size());
      if (target != "/add-checkpoint") {
        reply = {404, "text/plain; charset=utf-8", "404 not found: this witness serves POST /add-checkpoint\n"};
      } else if (request.method() != http::verb::post) {
        reply = {405, "text/plain; charset=utf-8", "405 method not allowed: POST /add-checkpoint\n"};
        allow = "POST";
      } else {
        reply = self->service_.add_checkpoint(request.body());
      }
    }
    if (self->options_.log) {
      auto first = reply.body.substr(0, std::min<std::size_t>(reply.body.find('\n'), 200));
      self->options_.log("add-checkpoint: " + std::to_string(reply.status) + (first.empty() ? "" : " " + first));
    }
    http::response<http::string_body> response;
    response.version(11);
    response.keep_alive(false);  // W4
    response.result(reply.status);
    response.set(http::field::server, "bodycam-witness");
    response.set(http::field::content_type, reply.content_type);
    if (!allow.empty()) response.set(http::field::allow, allow);
    response.body() = std::move(reply.body);
    response.prepare_payload();
    stream->expires_after(self->options_.request_timeout);  // W1: the reply
    co_await http::async_write(*stream, response, asio::redirect_error(asio::use_awaitable, ec));
    stream->socket().shutdown(tcp::socket::shutdown_send, ec);
    stream->socket().close(ec);
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  witness_server_options options_;
  witness_service& service_;
  std::map<std::uint64_t, std::weak_ptr<beast::tcp_stream>> connections_;
  std::uint64_t next_id_ = 1;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace

core::expected<std::shared_ptr<witness_server>> witness_server::start(asio::io_context& io,
                                                                      witness_server_options options,
                                                                      witness_service& service) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(options.address, ec);
  if (ec) return core::fail(core::errc::invalid_argument, "witness server address '" + options.address + "': " + ec.message());
  if (options.max_connections == 0 || options.request_timeout <= std::chrono::milliseconds::zero())
    return core::fail(core::errc::invalid_argument, "witness server: max_connections and request_timeout must be > 0");
  auto s = std::make_shared<server>(io, std::move(options), service);
  if (auto ok = s->listen(address); !ok) return std::unexpected(ok.error());
  s->run();
  return std::shared_ptr<witness_server>(std::move(s));
}

core::expected<std::pair<std::string, std::uint16_t>> parse_listen_address(std::string_view text) {
  const auto bad = [&] {
    return core::fail(core::errc::malformed, "listen address '" + std::string(text) + "': not host:port");
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  auto host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad();
    host = host.substr(1, host.size() - 2);
  }
  const auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, pec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || pec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535)
    return bad();
  return std::pair<std::string, std::uint16_t>{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace bodycam::tools::witness
