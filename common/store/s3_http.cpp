#include "common/store/s3_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <strings.h>

namespace bodycam::common::store {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t max_idle_connections = 16;
constexpr std::uint64_t max_body_bytes = std::uint64_t{8} << 30;

struct failure {
  core::errc code;
  std::string why;
};

failure classify(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return {core::errc::timeout, "timed out"};
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe || ec == http::error::partial_message || ec == asio::ssl::error::stream_truncated)
    return {core::errc::closed, "the server closed the connection (" + ec.message() + ")"};
  if (ec == asio::error::connection_refused || ec == asio::error::host_unreachable ||
      ec == asio::error::network_unreachable)
    return {core::errc::closed, "nothing answers (" + ec.message() + ")"};
  return {core::errc::io, ec.message()};
}

bool is_ip_address(const std::string& host) {
  beast::error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

struct http_tls_context {
  asio::ssl::context ssl{asio::ssl::context::tls_client};
};

std::optional<std::string> http_response::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (n.size() == name.size() && ::strncasecmp(n.data(), name.data(), n.size()) == 0) return v;
  return std::nullopt;
}

// One connection (TCP, or TLS over TCP) with its own io_context: each operation is started asynchronously and
// the context run until it completes, so the stream's expiry bounds it.
class http_connection {
 public:
  http_connection(std::chrono::milliseconds timeout, http_tls_context* tls) : timeout_(timeout) {
    // Beast reads as much as the buffer has room for (at least 512 bytes, at most 64 KiB a read), and a flat
    // buffer keeps the small capacity the headers gave it: a body then came in about 1 KiB per read, each read
    // re-arming the stream's timer (a read-back of 537 MB cost 3.5 s of CPU). Room for 64 KiB from the start.
    buffer_.reserve(std::size_t{64} << 10);
    if (tls != nullptr) secure_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc_, tls->ssl);
    else plain_ = std::make_unique<beast::tcp_stream>(ioc_);
  }

  // `stage` says which step failed: "connect" or "TLS handshake".
  [[nodiscard]] beast::error_code connect(const std::string& host, const std::string& port, std::string& stage) {
    stage = "connect";
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    const auto endpoints = resolver.resolve(host, port, ec);
    if (ec) return ec;
    lowest().expires_after(timeout_);
    lowest().async_connect(endpoints, [&](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) return ec;
    // A request is written as its header and then its body: without TCP_NODELAY the body can wait for the
    // gateway's delayed ACK (40 ms per request on Linux), which bounded small reads to ~23 a second.
    lowest().socket().set_option(tcp::no_delay(true), ec);
    if (ec || !secure_) return ec;
    stage = "TLS handshake";
    if (auto failed = expect_host(host)) return failed;
    lowest().expires_after(timeout_);
    secure_->async_handshake(asio::ssl::stream_base::client, [&](const beast::error_code& e) { ec = e; });
    run();
    return ec;
  }

  // `got_response_bytes` tells the caller whether a retry could repeat a request the server answered.
  [[nodiscard]] beast::error_code exchange(const http_request& request, http_response& response,
                                           bool& got_response_bytes) {
    // The body is written from the caller's bytes (a span, not a copy: a segment is megabytes).
    http::request<http::span_body<const char>> req;
    req.method_string(request.method);
    req.target(request.target);
    req.version(11);
    for (const auto& [name, value] : request.headers) req.set(name, value);
    req.body() = {request.body.data(), request.body.size()};
    req.prepare_payload();
    if (request.method == "GET" || request.method == "HEAD" || request.method == "DELETE")
      if (request.body.empty()) req.erase(http::field::content_length);
    if (request.method == "PUT" || request.method == "POST") req.content_length(request.body.size());

    beast::error_code ec;
    lowest().expires_after(timeout_);
    on_stream([&](auto& stream) {
      http::async_write(stream, req, [&](const beast::error_code& e, std::size_t) { ec = e; });
    });
    run();
    got_response_bytes = false;
    if (ec) return ec;

    http::response_parser<http::string_body> parser;
    // Not boost::none: Boost 1.74 compares the Content-Length against the optional and then refuses every body.
    parser.body_limit(max_body_bytes);
    if (request.method == "HEAD") parser.skip(true);
    lowest().expires_after(timeout_);
    on_stream([&](auto& stream) {
      http::async_read(stream, buffer_, parser, [&](const beast::error_code& e, std::size_t) { ec = e; });
    });
    run();
    got_response_bytes = parser.got_some() || buffer_.size() > 0;
    if (ec) return ec;
    auto res = parser.release();
    response.status = res.result_int();
    response.headers.clear();
    for (const auto& field : res)
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    response.body = std::move(res.body());
    keep_alive_ = res.keep_alive();
    return {};
  }

  [[nodiscard]] bool reusable() const noexcept { return keep_alive_; }

 private:
  // The certificate must name `host`: its IP address for an address, else its DNS name (also sent as SNI).
  [[nodiscard]] beast::error_code expect_host(const std::string& host) {
    SSL* ssl = secure_->native_handle();
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    const bool ok = is_ip_address(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1
                                        : SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                                       const_cast<char*>(host.c_str())) == 1 &&
                                              X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1;
    if (ok) return {};
    return beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
  }

  beast::tcp_stream& lowest() { return secure_ ? beast::get_lowest_layer(*secure_) : *plain_; }
  template <class F>
  void on_stream(F&& f) {
    if (secure_) f(*secure_);
    else f(*plain_);
  }

  void run() {
    ioc_.restart();
    ioc_.run();
  }

  asio::io_context ioc_;
  std::unique_ptr<beast::tcp_stream> plain_;                            // without TLS
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure_;  // with TLS
  beast::flat_buffer buffer_;
  std::chrono::milliseconds timeout_;
  bool keep_alive_ = true;
};

http_client::http_client(std::string host, std::string port, std::string describe,
                         std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(std::move(port)), describe_(std::move(describe)), timeout_(timeout) {}

http_client::~http_client() = default;

core::expected<std::unique_ptr<http_client>> http_client::make_tls(std::string host, std::string port,
                                                                   std::string describe,
                                                                   std::chrono::milliseconds timeout,
                                                                   const http_tls_options& tls) {
  auto context = std::make_shared<http_tls_context>();
  beast::error_code ec;
  context->ssl.set_verify_mode(asio::ssl::verify_peer, ec);
  if (!ec) {
    if (tls.ca_file.empty()) context->ssl.set_default_verify_paths(ec);
    else context->ssl.load_verify_file(tls.ca_file, ec);
  }
  if (ec)
    return core::fail(core::errc::invalid_argument,
                      "TLS for " + describe + ": load the CA " +
                          (tls.ca_file.empty() ? std::string("certificates of the system") : "file " + tls.ca_file) +
                          ": " + ec.message());
  auto client = std::make_unique<http_client>(std::move(host), std::move(port), std::move(describe), timeout);
  client->tls_ = std::move(context);
  return client;
}

core::expected<std::unique_ptr<http_connection>> http_client::take_connection(bool& reused) {
  {
    const std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      reused = true;
      return c;
    }
  }
  reused = false;
  auto c = std::make_unique<http_connection>(timeout_, tls_.get());
  std::string stage;
  if (const auto ec = c->connect(host_, port_, stage)) {
    const auto f = classify(ec);
    const bool refused = stage != "connect" && ec.category() == asio::error::get_ssl_category();
    // A connection nothing answers is `closed` (transient: the retrying decorator tries again or another
    // endpoint); a certificate that is not trusted is `permission` (retrying cannot help).
    return core::fail(refused ? core::errc::permission : f.code,
                      "connect to " + describe_ + ": " + (stage == "connect" ? "" : stage + ": ") + f.why +
                          (refused ? " (the server's certificate is not trusted for this host: check ca_file and the "
                                     "endpoint's host name)"
                                   : ""));
  }
  return c;
}

void http_client::give_back(std::unique_ptr<http_connection> connection) {
  const std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_connections) idle_.push_back(std::move(connection));
}

core::expected<http_response> http_client::send(const http_request& request) {
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    auto connection = take_connection(reused);
    if (!connection) return std::unexpected(connection.error());
    http_response response;
    bool got_response_bytes = false;
    const auto ec = (*connection)->exchange(request, response, got_response_bytes);
    if (!ec) {
      if ((*connection)->reusable()) give_back(std::move(*connection));
      return response;
    }
    if (reused && !got_response_bytes && attempt == 0 && ec != beast::error::timeout) continue;
    const auto f = classify(ec);
    return core::fail(f.code, request.method + " " + describe_ + request.target + ": " + f.why);
  }
}

}  // namespace bodycam::common::store
