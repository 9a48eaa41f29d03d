// The HTTP client's bounds on loopback, no Ceph needed ([integration]): a server that accepts and never answers
// costs one timeout, not a hang, and the error says timeout and names the endpoint; a server that answers one
// request and then closes the idle connection is met with a fresh connection, once.
#include "common/store/s3_http.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

using namespace bodycam::common;

namespace {

// A listening socket on 127.0.0.1 with a free port.
struct listener {
  int fd = -1;
  std::uint16_t port = 0;
  listener() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 8) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
  }
  ~listener() { ::close(fd); }
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;
};

std::string read_request(int fd) {
  std::string got;
  char buf[4096];
  while (got.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

}  // namespace

TEST_CASE("http: a server that never answers costs one timeout, named", "[integration]") {
  listener l;  // accepted by the kernel's backlog, never read from
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(l.port);
  store::http_client client("127.0.0.1", std::to_string(l.port), endpoint, std::chrono::milliseconds(500));
  const auto started = std::chrono::steady_clock::now();
  const auto r = client.send({"GET", "/bucket/key", {{"host", "x"}}, {}});
  const auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(r);
  CHECK(r.error().code == core::errc::timeout);
  CHECK_THAT(r.error().context, Catch::Contains(endpoint + "/bucket/key") && Catch::Contains("timed out"));
  CHECK(took >= std::chrono::milliseconds(450));
  CHECK(took < std::chrono::seconds(3));
}

TEST_CASE("http: an idle connection the server closed is replaced, and the request answered", "[integration]") {
  listener l;
  int served = 0;
  std::thread server([&] {
    for (int i = 0; i < 2; ++i) {
      const int c = ::accept(l.fd, nullptr, nullptr);
      if (c < 0) return;
      (void)read_request(c);
      const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      if (::write(c, answer.data(), answer.size()) == static_cast<ssize_t>(answer.size())) ++served;
      ::close(c);  // keep-alive promised by HTTP/1.1, then broken: the client must notice and reconnect
    }
  });
  store::http_client client("127.0.0.1", std::to_string(l.port), "test server", std::chrono::seconds(5));
  const auto first = client.send({"GET", "/a", {{"host", "x"}}, {}});
  REQUIRE(first);
  CHECK(first->body == "ok");
  const auto second = client.send({"GET", "/b", {{"host", "x"}}, {}});
  server.join();
  REQUIRE(second);
  CHECK(second->status == 200);
  CHECK(second->body == "ok");
  CHECK(served == 2);
}
