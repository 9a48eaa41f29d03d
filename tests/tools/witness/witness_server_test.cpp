// `bodycam witness serve`'s HTTP server on 127.0.0.1 (a free port): POST /add-checkpoint reaches the service and
// its answer comes back whole (status, Content-Type, body); other paths are 404, GET 405, a body over the limit
// 413, bytes that are not HTTP 400, and a client that never finishes its request is cut off by the deadline.
#include "common/store/memory_backend.hpp"
#include "common/store/store.hpp"
#include "common/store_log/leaf.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/tlog/witness_protocol.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/witness/witness_server.hpp"
#include "tests/support/chain_scenario.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <boost/asio/post.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace witness_server_test {

using namespace bodycam;
using namespace bodycam::common;
using bodycam::tests::temp_dir;

namespace {

// Sends `text` to 127.0.0.1:port and returns all the server sent until it closed (5 s bound on each read).
std::string send_raw(std::uint16_t port, const std::string& text, bool close_send = true) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
  std::size_t sent = 0;
  while (sent < text.size()) {
    const auto n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer 413 and close before it read everything
    sent += static_cast<std::size_t>(n);
  }
  if (close_send) ::shutdown(fd, SHUT_WR);
  std::string out;
  char buf[4096];
  for (;;) {
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string http_post(std::uint16_t port, const std::string& target, const std::string& body) {
  return send_raw(port, "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body);
}

int status_of(const std::string& response) {
  if (response.size() < 12 || !response.starts_with("HTTP/1.1 ")) return 0;
  return std::stoi(response.substr(9, 3));
}

std::string body_of(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : response.substr(end + 4);
}

struct running_witness {
  temp_dir dir{"witness-server"};
  crypto::software_signer key{bodycam::tests::fixed_key(7)};
  std::optional<tools::witness::witness_service> service;
  boost::asio::io_context io;
  std::shared_ptr<tools::witness::witness_server> server;
  std::thread thread;
  // The server's log lines, written on its thread: read them through lines().
  std::mutex log_mutex;
  std::condition_variable log_changed;
  std::vector<std::string> log;  // guarded by log_mutex

  explicit running_witness(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    tools::witness::witness_service_config c;
    c.origin = std::string(store_log::default_log_origin);
    auto v = tlog::make_note_verifier("dock-1", tlog::key_type::ed25519, bodycam::tests::fixed_key(1).public_key());
    REQUIRE(v);
    c.log_keys = {*v};
    c.name = "witness-1";
    c.signer = &key;
    c.state_file = dir / "state";
    c.clock = [] { return std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000)); };
    auto opened = tools::witness::witness_service::open(std::move(c));
    REQUIRE(opened);
    service.emplace(std::move(*opened));
    tools::witness::witness_server_options options;
    options.request_timeout = timeout;
    options.max_body_bytes = 4096;
    options.log = [this](const std::string& line) {
      const std::lock_guard lock(log_mutex);
      log.push_back(line);
      log_changed.notify_all();
    };
    auto started = tools::witness::witness_server::start(io, options, *service);
    REQUIRE(started);
    server = *started;
    REQUIRE(server->port() != 0);
    thread = std::thread([this] { io.run(); });
  }
  ~running_witness() {
    boost::asio::post(io, [this] { server->stop(); });
    thread.join();
  }
  // The log so far, once it has at least `n` lines or after 5 s (the server may log a request after answering).
  std::vector<std::string> lines(std::size_t n) {
    std::unique_lock lock(log_mutex);
    log_changed.wait_for(lock, std::chrono::seconds(5), [&] { return log.size() >= n; });
    return log;
  }
};

}  // namespace

TEST_CASE("witness server: add-checkpoint over 127.0.0.1, answers 200 and 409 whole", "[integration]") {
  store::store s{std::make_unique<store::memory_backend>()};
  crypto::software_signer dock(bodycam::tests::fixed_key(1));
  store_log::log_appender log(s, {std::string(store_log::default_log_origin), "dock-1", &dock});
  std::vector<core::byte_buffer> leaves;
  for (int i = 0; i < 5; ++i) leaves.push_back(store_log::encode_leaf({"receipts/r" + std::to_string(i),
                                                                       crypto::sha256(std::to_string(i))}).value());
  REQUIRE(log.append(leaves).ok());
  auto newest = store_log::newest_checkpoint(s.backend());
  REQUIRE(newest);
  REQUIRE(*newest);
  running_witness w;
  const auto ok = http_post(w.server->port(), "/add-checkpoint", tlog::format_add_checkpoint({0, {}, (*newest)->note}));
  INFO(ok);
  REQUIRE(status_of(ok) == 200);
  auto lines = tlog::split_cosignature_lines(body_of(ok));
  REQUIRE(lines);
  auto v = tlog::make_note_verifier("witness-1", tlog::key_type::cosignature_v1, bodycam::tests::fixed_key(7).public_key());
  const tlog::note_verifier keys[] = {*v};
  CHECK(tlog::open_note((*newest)->note + lines->front(), keys));
  CHECK(w.service->state().last.size == 5);

  const auto stale = http_post(w.server->port(), "/add-checkpoint", tlog::format_add_checkpoint({0, {}, (*newest)->note}));
  CHECK(status_of(stale) == 409);
  CHECK_THAT(stale, Catch::Contains("Content-Type: text/x.tlog.size\r\n"));
  CHECK(body_of(stale) == "5\n");
  CHECK(w.lines(2).size() == 2);
}

TEST_CASE("witness server: other paths 404, GET 405, too large 413, not HTTP 400, silence cut off", "[integration]") {
  running_witness w(std::chrono::milliseconds(500));
  CHECK(status_of(http_post(w.server->port(), "/", "x")) == 404);
  CHECK(status_of(http_post(w.server->port(), "/add-checkpoint/", "x")) == 404);
  const auto get = send_raw(w.server->port(), "GET /add-checkpoint HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(status_of(get) == 405);
  CHECK_THAT(get, Catch::Contains("Allow: POST"));
  CHECK(status_of(http_post(w.server->port(), "/add-checkpoint", std::string(8192, 'a'))) == 413);
  CHECK(status_of(send_raw(w.server->port(), "\x01\x02 not http\r\n\r\n")) == 400);
  CHECK(status_of(http_post(w.server->port(), "/add-checkpoint", "old 0\n")) == 400);
  const auto started = std::chrono::steady_clock::now();
  const auto silent = send_raw(w.server->port(), "POST /add-checkpoint HTTP/1.1\r\nContent-Length: 100\r\n\r\nold", false);
  CHECK(silent.empty());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(4));  // cut off by the 500 ms deadline
  CHECK(w.service->state().last.size == 0);
}

}  // namespace witness_server_test
