// The console's HTTP(S) server (W1-W6 in https_server.hpp): C++20 coroutines on one io_context, one
// coroutine per listener and one per connection, the same shape as ingest/status/status_server.cpp.
// GCC 12 with -fsanitize=address reports -Wmismatched-new-delete on Asio 1.74's awaitable frames, a false
// positive silenced here as in common/link/secure_stream.cpp.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "console/web/https_server.hpp"

#include "common/core/secret_file.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>  // before Asio: boost/asio/awaitable.hpp (1.74) uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace bodycam::console::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
namespace core = common::core;

namespace {

constexpr std::uint32_t max_header_bytes = 16 * 1024;
using clock_type = std::chrono::steady_clock;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

http::response<http::string_body> to_beast(web_response& r, unsigned version, bool keep_alive, bool head) {
  http::response<http::string_body> out;
  out.version(version);
  out.result(r.status);
  out.set(http::field::server, "bodycam-console");
  out.set(http::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers) out.set(name, value);
  out.keep_alive(keep_alive);
  out.body() = std::move(r.body);
  out.prepare_payload();
  if (head) out.body().clear();
  return out;
}

web_response refusal(unsigned status, std::string text) {
  web_response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(text);
  with_security_headers(r);
  return r;
}

class server final : public https_server, public std::enable_shared_from_this<server> {
 public:
  server(asio::io_context& io, server_limits limits, std::shared_ptr<ssl::context> tls, request_handler handler)
      : io_(io), limits_(limits), tls_(std::move(tls)), handler_(std::move(handler)) {}

  core::status listen(const listen_address& where) {
    beast::error_code ec;
    const auto address = asio::ip::make_address(where.host == "localhost" ? "127.0.0.1" : where.host, ec);
    const std::string what = "console: listen on " + where.host + ":" + std::to_string(where.port);
    if (ec) return core::fail(core::errc::invalid_argument, what + ": " + ec.message());
    if (!tls_ && !address.is_loopback())  // W1
      return core::fail(core::errc::invalid_argument,
                        what + ": plain HTTP only on a loopback address; configure tls_certificate and tls_key");
    auto acceptor = std::make_shared<tcp::acceptor>(io_);
    const tcp::endpoint endpoint(address, where.port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return core::fail(core::errc::io, what + ": " + ec.message());
    acceptors_.push_back(acceptor);
    return {};
  }

  void run() {
    for (auto& a : acceptors_) asio::co_spawn(io_, accept_loop(shared_from_this(), a), asio::detached);
  }

  std::vector<std::uint16_t> ports() const override {
    std::vector<std::uint16_t> out;
    beast::error_code ec;
    for (const auto& a : acceptors_) out.push_back(a->local_endpoint(ec).port());
    return out;
  }
  std::size_t open_connections() const noexcept override { return sockets_.size(); }

  void stop() noexcept override {  // W6
    stopped_ = true;
    beast::error_code ec;
    for (auto& a : acceptors_) a->close(ec);
    for (auto& [id, weak] : sockets_)
      if (auto s = weak.lock()) s->close(ec);
  }

 private:
  static asio::awaitable<void> accept_loop(std::shared_ptr<server> self, std::shared_ptr<tcp::acceptor> acceptor) {
    while (!self->stopped_) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (self->stopped_ || ec == asio::error::operation_aborted) co_return;
      if (ec) {
        asio::steady_timer pause(self->io_, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      if (self->sockets_.size() >= self->limits_.max_connections) {  // W4
        socket.close(ec);
        continue;
      }
      const std::string client = socket.remote_endpoint(ec).address().to_string();
      asio::co_spawn(self->io_, serve(self, std::move(socket), client), asio::detached);
    }
  }

  static asio::awaitable<void> serve(std::shared_ptr<server> self, tcp::socket socket, std::string client) {
    const std::uint64_t id = ++self->next_id_;
    beast::tcp_stream layer(std::move(socket));
    struct unregister {
      server& s;
      std::uint64_t id;
      ~unregister() { s.sockets_.erase(id); }
    } guard{*self, id};
    // The socket registered for stop(): closing it cuts whatever stream is on top.
    self->sockets_[id] = std::shared_ptr<tcp::socket>(self, &layer.socket());
    if (self->tls_) {
      beast::ssl_stream<beast::tcp_stream> stream(std::move(layer), *self->tls_);
      self->sockets_[id] = std::shared_ptr<tcp::socket>(self, &beast::get_lowest_layer(stream).socket());
      beast::get_lowest_layer(stream).expires_after(self->limits_.header_timeout);  // W2
      beast::error_code ec;
      co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      co_await exchange(self, stream, beast::get_lowest_layer(stream), client, true);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
      co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    } else {
      co_await exchange(self, layer, layer, client, false);
      beast::error_code ec;
      layer.socket().shutdown(tcp::socket::shutdown_both, ec);
    }
  }

  template <class Stream>
  static asio::awaitable<void> exchange(std::shared_ptr<server> self, Stream& stream, beast::tcp_stream& layer,
                                        const std::string& client, bool https) {
    const server_limits& limits = self->limits_;
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(max_header_bytes);
      parser.body_limit(limits.max_body_bytes);
      const auto deadline = clock_type::now() + limits.request_timeout;
      layer.expires_after(std::min<clock_type::duration>(first ? limits.header_timeout : limits.idle_timeout,
                                                         limits.request_timeout));  // W2
      first = false;
      beast::error_code ec;
      co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      std::optional<web_response> refused;
      if (!ec) {
        layer.expires_after(std::min<clock_type::duration>(limits.body_timeout, deadline - clock_type::now()));
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec == http::error::body_limit || ec == http::error::header_limit || ec == http::error::buffer_overflow) {
        refused = refusal(413, "413 request too large\n");  // W3
      } else if (ec && ec.category() == http::make_error_code(http::error::bad_method).category() &&
                 ec != http::error::end_of_stream && ec != http::error::partial_message) {
        refused = refusal(400, "400 malformed request\n");  // W4
      } else if (ec) {
        co_return;  // closed, reset or cut off (W2): nothing to answer
      }
      web_response response;
      bool keep_alive = false;
      bool head = false;
      unsigned version = 11;
      if (refused) {
        response = std::move(*refused);
      } else {
        const auto& req = parser.get();
        web_request request;
        request.method = std::string(req.method_string().data(), req.method_string().size());
        request.target = std::string(req.target().data(), req.target().size());
        for (const auto& field : req) request.headers[lower(std::string_view(field.name_string().data(), field.name_string().size()))] =
              std::string(field.value());
        request.body = req.body();
        request.https = https;
        request.client = client;
        keep_alive = req.keep_alive();
        head = req.method() == http::verb::head;
        version = req.version();
        response = self->handler_(request);
      }
      auto out = to_beast(response, version, keep_alive, head);
      layer.expires_after(limits.request_timeout);
      co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
      if (response.after_send) response.after_send(!ec, ec ? "send to " + client + ": " + ec.message() : "");  // W5
      if (ec || !keep_alive || self->stopped_) co_return;
    }
  }

  asio::io_context& io_;
  server_limits limits_;
  std::shared_ptr<ssl::context> tls_;
  request_handler handler_;
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors_;
  std::map<std::uint64_t, std::weak_ptr<tcp::socket>> sockets_;
  std::uint64_t next_id_ = 0;
  bool stopped_ = false;
};

}  // namespace

core::expected<std::shared_ptr<ssl::context>> make_tls_context(const std::string& certificate_file,
                                                               const std::string& key_file) {
  if (auto ok = core::check_secret_file(key_file, "TLS key"); !ok) return std::unexpected(ok.error());
  try {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    ctx->use_certificate_chain_file(certificate_file);
    ctx->use_private_key_file(key_file, ssl::context::pem);
    return ctx;
  } catch (const std::exception& e) {
    return core::fail(core::errc::invalid_argument,
                      "load TLS certificate " + certificate_file + " and key " + key_file + ": " + e.what());
  }
}

core::expected<std::shared_ptr<https_server>> https_server::start(asio::io_context& io, std::vector<listen_address> listen,
                                                                  server_limits limits, std::shared_ptr<ssl::context> tls,
                                                                  request_handler handler) {
  if (listen.empty()) return core::fail(core::errc::invalid_argument, "console: no listen address");
  if (!handler) return core::fail(core::errc::invalid_argument, "console: no request handler");
  auto s = std::make_shared<server>(io, limits, std::move(tls), std::move(handler));
  for (const auto& where : listen)
    if (auto ok = s->listen(where); !ok) return std::unexpected(ok.error());
  s->run();
  return std::shared_ptr<https_server>(std::move(s));
}

}  // namespace bodycam::console::web
