// The control server on real Unix sockets in a temp dir, its io_context on a thread of its own, against the
// fake handler. Timeouts are short (idle 500 ms) so the slow-client cases are quick; no test asserts how long
// anything took, and every client wait is capped (socket_client) so a broken server fails instead of hangs.
#include "firmware/control/control_server.hpp"
#include "common/core/unix_socket_address.hpp"
#include "firmware/control/recorder_commands.hpp"
#include "tests/firmware/control/fake_handler.hpp"
#include "tests/firmware/control/socket_client.hpp"

#include <sys/socket.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam::firmware::control;
using bodycam::common::core::errc;
using bodycam::tests::fake_handler;
using bodycam::tests::read_outcome;
using bodycam::tests::socket_client;
using bodycam::tests::temp_dir;
using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct server_setup {
  std::size_t max_clients = 4;
  std::size_t max_line_bytes = 256;
  std::chrono::milliseconds idle_timeout = 10s;
};

// A server on dir/recorder.sock with its io_context run by its own thread; stopped and joined at the end.
class running_server {
 public:
  explicit running_server(const temp_dir& dir, server_setup setup = {})
      : path_(dir.path() / "recorder.sock"), parser_(setup.max_line_bytes) {
    REQUIRE(add_recorder_commands(parser_).has_value());
    server_options options;
    options.socket_path = path_.string();
    options.max_clients = setup.max_clients;
    options.idle_timeout = setup.idle_timeout;
    auto opened = control_server::open(io_, options, parser_, handler_);
    INFO((opened ? std::string() : opened.error().context));
    REQUIRE(opened.has_value());
    server_ = std::move(*opened);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~running_server() { static_cast<void>(shut_down()); }
  running_server(const running_server&) = delete;
  running_server& operator=(const running_server&) = delete;

  // stop(), wait until the io_context has finished the server's work, remove the socket file.
  bodycam::common::core::status shut_down() {
    if (!thread_.joinable()) return {};
    server_->stop();
    thread_.join();
    return server_->remove_socket_file();
  }

  [[nodiscard]] const fs::path& path() const { return path_; }
  [[nodiscard]] fake_handler& handler() { return handler_; }

 private:
  fs::path path_;
  boost::asio::io_context io_;
  command_parser parser_;
  fake_handler handler_;
  std::unique_ptr<control_server> server_;
  std::thread thread_;
};

json parse_line(const std::string& line) {
  INFO(line);
  REQUIRE(json::accept(line));
  return json::parse(line);
}

std::string error_code_of(const std::string& line) {
  const json response = parse_line(line);
  REQUIRE(response.at("ok") == false);
  return response.at("error").at("code").get<std::string>();
}

}  // namespace

TEST_CASE("start, status and stop round-trip over the socket", "[integration]") {
  temp_dir dir;
  running_server server(dir);
  socket_client client(server.path());
  CHECK(parse_line(client.request(R"({"cmd":"status","id":1})")).at("state") == "idle");
  const json started = parse_line(client.request(R"({"cmd":"start","id":2})"));
  CHECK(started.at("ok") == true);
  CHECK(started.at("id") == 2);
  CHECK(started.at("session") == "11111111111111111111111111111111");
  const json status = parse_line(client.request(R"({"cmd":"status"})"));
  CHECK(status.at("state") == "recording");
  CHECK(status.at("segment") == 0);
  CHECK(status.at("free_storage_bytes") == 1000000000);
  CHECK(status.at("last_record_seq") == 5);
  const json stopped = parse_line(client.request(R"({"cmd":"stop","reason":"low_battery"})"));
  CHECK(stopped.at("state") == "idle");
  CHECK(stopped.at("seconds_recorded") == 12.5);
  CHECK(server.handler().calls() == std::vector<std::string>{"status", "start:control", "status", "stop:low_battery"});
}

TEST_CASE("malformed lines are answered and the connection stays usable", "[integration]") {
  temp_dir dir;
  running_server server(dir);
  socket_client client(server.path());
  CHECK(error_code_of(client.request("this is not json")) == "malformed_json");
  CHECK(error_code_of(client.request("")) == "malformed_json");
  CHECK(error_code_of(client.request(R"({"cmd":"stop"})")) == "missing_argument");
  CHECK(error_code_of(client.request(R"({"cmd":"dance"})")) == "unknown_command");
  CHECK(error_code_of(client.request("{\"cmd\":\"\xff\"}")) == "malformed_json");
  CHECK(parse_line(client.request(R"({"cmd":"status"})")).at("ok") == true);
  CHECK(server.handler().calls() == std::vector<std::string>{"status"});
}

TEST_CASE("pipelined requests are answered in order, CRLF included", "[integration]") {
  temp_dir dir;
  running_server server(dir);
  socket_client client(server.path());
  client.send(
      "{\"cmd\":\"start\",\"id\":1}\n{\"cmd\":\"status\",\"id\":2}\r\n{\"cmd\":\"stop\",\"reason\":\"fault\",\"id\":3}"
      "\n");
  for (int id = 1; id <= 3; ++id) {
    const auto result = client.read_line();
    REQUIRE(result.outcome == read_outcome::line);
    const json response = parse_line(result.line);
    CHECK(response.at("id") == id);
    CHECK(response.at("ok") == true);
  }
}

TEST_CASE("a last line without newline is answered when the client half-closes", "[integration]") {
  temp_dir dir;
  running_server server(dir);
  socket_client client(server.path());
  client.send(R"({"cmd":"status","id":"last"})");
  client.shutdown_write();
  const auto answer = client.read_line();
  REQUIRE(answer.outcome == read_outcome::line);
  CHECK(parse_line(answer.line).at("id") == "last");
  CHECK(client.read_line().outcome == read_outcome::closed);
}

TEST_CASE("a line over the limit is answered line_too_long and the connection closed", "[integration]") {
  temp_dir dir;
  running_server server(dir, {.max_line_bytes = 256});
  socket_client client(server.path());
  client.send(R"({"cmd":"status","id":")" + std::string(1000, 'a') + "\"}\n");
  const auto answer = client.read_line();
  REQUIRE(answer.outcome == read_outcome::line);
  CHECK(error_code_of(answer.line) == "line_too_long");
  CHECK(client.read_line().outcome == read_outcome::closed);
  CHECK(server.handler().calls().empty());

  // A line of exactly the limit is fine, on a fresh connection.
  socket_client next(server.path());
  const std::string at_limit = R"({"cmd":"status")" + std::string(256 - 16, ' ') + "}";
  REQUIRE(at_limit.size() == 256);
  CHECK(parse_line(next.request(at_limit)).at("ok") == true);
}

TEST_CASE("clients up to the bound are served, one more is told busy", "[integration]") {
  temp_dir dir;
  running_server server(dir, {.max_clients = 4});
  std::vector<std::unique_ptr<socket_client>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<socket_client>(server.path()));
    // Answered, so the server has counted it.
    CHECK(parse_line(clients.back()->request(R"({"cmd":"status"})")).at("ok") == true);
  }
  socket_client extra(server.path());
  const auto busy = extra.read_line();
  REQUIRE(busy.outcome == read_outcome::line);
  CHECK(error_code_of(busy.line) == "busy");
  CHECK(parse_line(busy.line).at("error").at("message") == "too many control clients (limit 4); try again later");
  CHECK(extra.read_line().outcome == read_outcome::closed);

  // Every admitted client is still served.
  for (auto& c : clients) CHECK(parse_line(c->request(R"({"cmd":"status"})")).at("ok") == true);

  // One leaves (its close seen by the server before the server closes back); then a newcomer is admitted.
  clients.front()->shutdown_write();
  CHECK(clients.front()->read_line().outcome == read_outcome::closed);
  socket_client newcomer(server.path());
  CHECK(parse_line(newcomer.request(R"({"cmd":"status"})")).at("ok") == true);
}

TEST_CASE("a silent or stalled client is closed after the idle timeout", "[integration]") {
  temp_dir dir;
  running_server server(dir, {.idle_timeout = 500ms});

  SECTION("connects and says nothing") {
    socket_client silent(server.path());
    CHECK(silent.read_line().outcome == read_outcome::closed);
  }
  SECTION("sends half a line and stalls") {
    socket_client stalled(server.path());
    stalled.send(R"({"cmd":"sta)");
    CHECK(stalled.read_line().outcome == read_outcome::closed);
  }
  SECTION("is served, then falls silent") {
    socket_client client(server.path());
    CHECK(parse_line(client.request(R"({"cmd":"status"})")).at("ok") == true);
    CHECK(client.read_line().outcome == read_outcome::closed);
  }
  // The server itself goes on.
  socket_client after(server.path());
  CHECK(parse_line(after.request(R"({"cmd":"status"})")).at("ok") == true);
}

TEST_CASE("the socket file is mode 0660 and removed on clean shutdown", "[integration]") {
  temp_dir dir;
  running_server server(dir);
  struct stat st {};
  REQUIRE(::lstat(server.path().c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 07777) == 0660);

  socket_client connected(server.path());
  CHECK(parse_line(connected.request(R"({"cmd":"status"})")).at("ok") == true);
  REQUIRE(server.shut_down().has_value());
  CHECK_FALSE(fs::exists(server.path()));
  // Connected clients were closed by the shutdown.
  CHECK(connected.read_line().outcome == read_outcome::closed);
}

TEST_CASE("a stale socket file from a crash is replaced", "[integration]") {
  temp_dir dir;
  bodycam::tests::make_stale_socket(dir.path() / "recorder.sock");
  REQUIRE(fs::exists(dir.path() / "recorder.sock"));
  running_server server(dir);
  socket_client client(server.path());
  CHECK(parse_line(client.request(R"({"cmd":"status"})")).at("ok") == true);
}

TEST_CASE("a second server on a path in use is refused and the first keeps serving", "[integration]") {
  temp_dir dir;
  running_server first(dir);
  boost::asio::io_context io;
  command_parser parser;
  fake_handler handler;
  server_options options;
  options.socket_path = first.path().string();
  auto second = control_server::open(io, options, parser, handler);
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error().code == errc::conflict);
  CHECK(second.error().context.find("another recorder holds") != std::string::npos);
  socket_client client(first.path());
  CHECK(parse_line(client.request(R"({"cmd":"status"})")).at("ok") == true);
}

TEST_CASE("a regular file at the socket path is refused and left untouched", "[integration]") {
  temp_dir dir;
  const fs::path path = dir.path() / "recorder.sock";
  std::ofstream(path) << "not a socket";
  boost::asio::io_context io;
  command_parser parser;
  fake_handler handler;
  server_options options;
  options.socket_path = path.string();
  auto opened = control_server::open(io, options, parser, handler);
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error().code == errc::already_exists);
  CHECK(fs::is_regular_file(path));
}

TEST_CASE("a socket in a missing directory is a clear error", "[integration]") {
  temp_dir dir;
  boost::asio::io_context io;
  command_parser parser;
  fake_handler handler;
  server_options options;
  options.socket_path = (dir.path() / "no-such-dir" / "recorder.sock").string();
  auto opened = control_server::open(io, options, parser, handler);
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error().code == errc::not_found);
  CHECK(opened.error().context.find("no-such-dir") != std::string::npos);
}

TEST_CASE("a socket path longer than sun_path is served and answers", "[integration]") {
  temp_dir dir;
  fs::path deep = dir.path();
  while (deep.string().size() < 160) deep /= "deeper folder";
  fs::create_directories(deep);
  const std::string path = (deep / "recorder.sock").string();
  REQUIRE(path.size() > bodycam::common::core::max_sun_path_bytes);
  boost::asio::io_context io;
  command_parser parser;
  REQUIRE(add_recorder_commands(parser).has_value());
  fake_handler handler;
  server_options options;
  options.socket_path = path;
  auto opened = control_server::open(io, options, parser, handler);
  INFO((opened ? std::string() : opened.error().context));
  REQUIRE(opened.has_value());
  std::thread runner([&io] { io.run(); });

  auto address = bodycam::common::core::unix_socket_address::resolve(path);
  REQUIRE(address.has_value());
  bodycam::common::core::unique_fd client(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_un a = address->to_sockaddr();
  const bool connected = ::connect(client.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  std::string line;
  if (connected) {
    const std::string request = "{\"cmd\":\"status\"}\n";
    REQUIRE(::write(client.get(), request.data(), request.size()) == static_cast<ssize_t>(request.size()));
    timeval cap{10, 0};
    ::setsockopt(client.get(), SOL_SOCKET, SO_RCVTIMEO, &cap, sizeof cap);
    char c = 0;
    while (::read(client.get(), &c, 1) == 1 && c != '\n') line += c;
  }
  (*opened)->stop();
  runner.join();
  CHECK((*opened)->remove_socket_file().has_value());
  REQUIRE(connected);
  CHECK(json::accept(line));
  CHECK_FALSE(fs::exists(path));
}
