// The console over real sockets on 127.0.0.1 ([integration]): HTTPS with a CA and a server certificate made
// by the openssl CLI, login and a Range download through TLS with its outcome entry written after the bytes
// left, the refusal of plain HTTP on a non-loopback address, 413 for an oversized body, 400 for garbage, and
// a slow client cut off at the header deadline. Every wait is bounded.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "console/access/route_policy.hpp"
#include "console/web/https_server.hpp"
#include "tests/console/console_fixture.hpp"

#include <fstream>
#include <thread>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>

using namespace bodycam;
using namespace bodycam::tests;
namespace web = bodycam::console::web;
namespace ac = bodycam::console::access;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

void run(const std::string& command) {
  INFO(command);
  REQUIRE(std::system((command + " >/dev/null 2>&1").c_str()) == 0);  // no openssl: the test fails
}

// A CA and a server certificate for 127.0.0.1 signed by it.
void make_certificates(const std::filesystem::path& dir) {
  const std::string d = dir.string();
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=test-ca -keyout " + d +
      "/ca.key -out " + d + "/ca.crt");
  run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 -keyout " + d +
      "/server.key -out " + d + "/server.csr");
  {
    std::ofstream ext(dir / "ext.cnf");
    ext << "subjectAltName=IP:127.0.0.1\n";
  }
  run("openssl x509 -req -in " + d + "/server.csr -CA " + d + "/ca.crt -CAkey " + d + "/ca.key -CAcreateserial -days 2 -out " +
      d + "/server.crt -extfile " + d + "/ext.cnf");
  std::filesystem::permissions(dir / "server.key", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// The server on its own io thread; stopped and joined at the end of the scope.
class running_server {
 public:
  running_server(console_fixture& f, web::server_limits limits, std::shared_ptr<asio::ssl::context> tls) {
    auto s = web::https_server::start(io_, {{"127.0.0.1", 0}}, limits, std::move(tls),
                                      [&f](const web::web_request& r) { return f.handler->handle(r); });
    REQUIRE(s);
    server_ = *s;
    port_ = server_->ports().at(0);
    thread_ = std::thread([this] { io_.run_for(std::chrono::seconds(60)); });
  }
  ~running_server() {
    asio::post(io_, [this] { server_->stop(); });
    thread_.join();
  }
  running_server(const running_server&) = delete;
  running_server& operator=(const running_server&) = delete;
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  asio::io_context io_;
  std::shared_ptr<web::https_server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

web::server_limits quick_limits() {
  web::server_limits l;
  l.header_timeout = std::chrono::seconds(1);
  l.body_timeout = std::chrono::seconds(2);
  l.request_timeout = std::chrono::seconds(5);
  l.idle_timeout = std::chrono::seconds(2);
  l.max_body_bytes = 4096;
  return l;
}

// Everything the server sends until it closes (bounded by the socket's receive timeout).
std::string send_raw(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds pause_after = {}) {
  asio::io_context io;
  tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  struct timeval tv {5, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  asio::write(s, asio::buffer(bytes));
  if (pause_after.count() > 0) std::this_thread::sleep_for(pause_after);
  std::string out;
  beast::error_code ec;
  std::array<char, 4096> chunk{};
  for (;;) {
    const auto n = s.read_some(asio::buffer(chunk), ec);
    out.append(chunk.data(), n);
    if (ec) break;
  }
  return out;
}

http::response<http::string_body> tls_request(std::uint16_t port, const std::filesystem::path& ca,
                                              http::request<http::string_body> req) {
  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(ca.string());
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream.native_handle()), "127.0.0.1");
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(stream).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream.handshake(asio::ssl::stream_base::client);
  req.set(http::field::host, "127.0.0.1");
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.shutdown(ec);
  return res;
}

void wait_for_entries(console_fixture& f, std::size_t n) {
  for (int i = 0; i < 200 && f.access_entries() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace

TEST_CASE("https: login and a Range download over TLS; the outcome entry follows the bytes", "[integration]") {
  console_fixture f;
  f.add_person("clerk-1", static_cast<std::uint8_t>(ac::role::clerk));
  make_certificates(f.dir.path());
  auto tls = web::make_tls_context((f.dir / "server.crt").string(), (f.dir / "server.key").string());
  REQUIRE(tls);
  running_server server(f, quick_limits(), *tls);

  http::request<http::string_body> login{http::verb::post, "/login", 11};
  login.set(http::field::content_type, "application/x-www-form-urlencoded");
  login.body() = "person=clerk-1&password=" + web::url_encode(test_password);
  const auto logged_in = tls_request(server.port(), f.dir / "ca.crt", login);
  REQUIRE(logged_in.result_int() == 303);
  std::string cookie(logged_in[http::field::set_cookie]);
  CHECK(cookie.find("; Secure") != std::string::npos);
  cookie = cookie.substr(0, cookie.find(';'));

  http::request<http::string_body> get{http::verb::get,
                                       f.session_path() + "/files/" + std::to_string(f.first_segment_seq()), 11};
  get.set(http::field::cookie, cookie);
  get.set(http::field::range, "bytes=0-1");
  const auto part = tls_request(server.port(), f.dir / "ca.crt", get);
  CHECK(part.result_int() == 206);
  CHECK(part.body().size() == 2);
  CHECK(std::string(part[http::field::content_range]) == "bytes 0-1/" + std::to_string(f.first_segment_bytes()));
  CHECK(std::string(part["Content-Security-Policy"]).find("frame-ancestors 'none'") != std::string::npos);
  CHECK(std::string(part["X-Content-Type-Options"]) == "nosniff");
  wait_for_entries(f, 2);
  CHECK(f.access_entries() == 2);  // the access entry before, the outcome after
}

TEST_CASE("https: a client that does not trust the console's CA cannot complete the handshake", "[integration]") {
  console_fixture f;
  make_certificates(f.dir.path());
  auto tls = web::make_tls_context((f.dir / "server.crt").string(), (f.dir / "server.key").string());
  REQUIRE(tls);
  running_server server(f, quick_limits(), *tls);
  temp_dir other;
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=other -keyout " +
      (other / "o.key").string() + " -out " + (other / "o.crt").string());
  CHECK_THROWS(tls_request(server.port(), other / "o.crt", {http::verb::get, "/login", 11}));
  CHECK(tls_request(server.port(), f.dir / "ca.crt", {http::verb::get, "/login", 11}).result_int() == 200);
}

TEST_CASE("http: plain HTTP on a non-loopback address is refused at start", "[integration]") {
  console_fixture f;
  asio::io_context io;
  const auto s = web::https_server::start(io, {{"0.0.0.0", 0}}, quick_limits(), nullptr,
                                          [&f](const web::web_request& r) { return f.handler->handle(r); });
  REQUIRE_FALSE(s);
  CHECK(s.error().context.find("loopback") != std::string::npos);
}

TEST_CASE("http: oversized body 413, garbage 400, both closed", "[integration]") {
  console_fixture f;
  running_server server(f, quick_limits(), nullptr);
  const std::string big(10000, 'a');
  const auto too_big = send_raw(server.port(), "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                                               "Content-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big);
  CHECK(too_big.starts_with("HTTP/1.1 413"));
  CHECK(send_raw(server.port(), "NOT HTTP AT ALL\r\n\r\n").starts_with("HTTP/1.1 400"));
  const auto ok = send_raw(server.port(), "GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(ok.starts_with("HTTP/1.1 200"));
  CHECK(ok.find("Content-Security-Policy: default-src 'self'") != std::string::npos);
}

TEST_CASE("http: a slow client is cut off at the header deadline", "[integration]") {
  console_fixture f;
  running_server server(f, quick_limits(), nullptr);  // header_timeout 1 s
  const auto start = std::chrono::steady_clock::now();
  const auto reply = send_raw(server.port(), "GET / HTTP/1.1\r\nHost: x\r\n");  // never ends its headers
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(reply.empty());
  CHECK(took >= std::chrono::milliseconds(900));
  CHECK(took < std::chrono::seconds(4));  // well before the client's own 5 s receive timeout
}

TEST_CASE("http: a client that trickles its body is cut off at the body deadline", "[integration]") {
  console_fixture f;
  running_server server(f, quick_limits(), nullptr);  // body_timeout 2 s
  const auto start = std::chrono::steady_clock::now();
  const auto reply = send_raw(server.port(), "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nperson=a");
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(reply.empty());  // never answered: the body never came
  CHECK(took >= std::chrono::milliseconds(1900));
  CHECK(took < std::chrono::seconds(4));
}

TEST_CASE("http: a kept-alive connection serves two requests, then is closed when idle", "[integration]") {
  console_fixture f;
  running_server server(f, quick_limits(), nullptr);  // idle_timeout 2 s
  const auto start = std::chrono::steady_clock::now();
  const auto replies = send_raw(server.port(), "GET /login HTTP/1.1\r\nHost: x\r\n\r\nGET /static/console.css HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(replies.starts_with("HTTP/1.1 200"));
  CHECK(replies.find("text/css") != std::string::npos);
  CHECK(took >= std::chrono::milliseconds(1900));
  CHECK(took < std::chrono::seconds(4));
}
