// tools/shift's process handle and control client against real processes and a real Unix socket.
#include "tools/shift/child_process.hpp"
#include "tools/shift/control_client.hpp"

#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

using namespace bodycam::tools::shift;
using bodycam::tests::slurp;
using namespace std::chrono_literals;

namespace {

// A one-shot line server: answers the first request line with `answer`.
class line_server {
 public:
  line_server(const std::string& path, std::string answer) : answer_(std::move(answer)) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 1) == 0);
    thread_ = std::thread([this] {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buffer[512];
      std::string got;
      while (got.find('\n') == std::string::npos) {
        const ssize_t n = ::read(c, buffer, sizeof buffer);
        if (n <= 0) break;
        got.append(buffer, static_cast<std::size_t>(n));
      }
      request_ = got;
      if (!answer_.empty()) (void)!::write(c, answer_.data(), answer_.size());
      ::close(c);
    });
  }
  ~line_server() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::string request_;

 private:
  int fd_ = -1;
  std::string answer_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("a child's output goes to its log and its exit code comes back", "[integration]") {
  bodycam::tests::temp_dir dir;
  const auto log = dir / "echo.log";
  auto ended = run_to_end({"sh", "-c", "echo hello; exit 3"}, log, 10s);
  REQUIRE(ended);
  CHECK(ended->code == 3);
  CHECK_FALSE(ended->is_success());
  CHECK(slurp(log) == "hello\n");
}

TEST_CASE("a program that does not exist is an error naming it", "[integration]") {
  bodycam::tests::temp_dir dir;
  auto started = child_process::start({"/nonexistent/bodycam-nothing"}, dir / "x.log");
  REQUIRE_FALSE(started);
  CHECK(started.error().context.find("bodycam-nothing") != std::string::npos);
}

TEST_CASE("wait times out on a running child; stop ends it; the destructor kills what is left", "[integration]") {
  bodycam::tests::temp_dir dir;
  auto child = child_process::start({"sleep", "30"}, dir / "sleep.log");
  REQUIRE(child);
  const pid_t pid = child->pid();
  auto early = child->wait(100ms);
  REQUIRE_FALSE(early);
  CHECK(early.error().code == bodycam::common::core::errc::timeout);
  CHECK(child->is_running());
  auto stopped = child->stop(5s);
  REQUIRE(stopped);
  CHECK(stopped->signal == SIGTERM);
  CHECK_FALSE(child->is_running());

  {
    auto orphan = child_process::start({"sleep", "30"}, dir / "sleep2.log");
    REQUIRE(orphan);
    const pid_t orphan_pid = orphan->pid();
    REQUIRE(::kill(orphan_pid, 0) == 0);
    orphan = child_process::start({"true"}, dir / "true.log");  // move-assign kills the first
    CHECK(::kill(orphan_pid, 0) != 0);
  }
  CHECK(::kill(pid, 0) != 0);
}

TEST_CASE("control requests: ok answers come back, refusals and silence are errors", "[integration]") {
  bodycam::tests::temp_dir dir;
  const std::string path = dir / "c.sock";
  {
    line_server server(path, "{\"ok\":true,\"cmd\":\"status\",\"state\":\"recording\"}\n");
    auto answer = control_request(path, {{"cmd", "status"}}, 5s);
    REQUIRE(answer);
    CHECK((*answer)["state"] == "recording");
    CHECK(server.request_ == "{\"cmd\":\"status\"}\n");
  }
  ::unlink(path.c_str());
  {
    line_server server(path, "{\"ok\":false,\"error\":{\"code\":\"missing_argument\",\"message\":\"stop: reason: required\"}}\n");
    auto refused = control_request(path, {{"cmd", "stop"}}, 5s);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().context.find("reason: required") != std::string::npos);
  }
  ::unlink(path.c_str());
  {
    line_server server(path, "not json\n");
    auto garbled = control_request(path, {{"cmd", "status"}}, 5s);
    REQUIRE_FALSE(garbled);
    CHECK(garbled.error().code == bodycam::common::core::errc::malformed);
  }
  ::unlink(path.c_str());
  auto nobody = control_request(path, {{"cmd", "status"}}, 1s);
  REQUIRE_FALSE(nobody);
  CHECK(nobody.error().code == bodycam::common::core::errc::closed);
}
