// A Unix socket at a path longer than sun_path (107 bytes): bound and reached through the /proc/self/fd form,
// the socket file lands at the real path, and a name too long for any form is refused, never truncated.
#include "common/core/unix_socket_address.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>

#include <filesystem>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace unix_socket_address_test {

namespace core = bodycam::common::core;
namespace fs = std::filesystem;

TEST_CASE("a short socket path is used as it is") {
  auto a = core::unix_socket_address::resolve("/run/bodycam/recorder.sock");
  REQUIRE(a);
  CHECK(a->address() == "/run/bodycam/recorder.sock");
  CHECK(a->path() == "/run/bodycam/recorder.sock");
}

TEST_CASE("a socket deeper than 107 bytes is bound and connected through its folder") {
  bodycam::tests::temp_dir dir;
  fs::path deep = dir.path();
  while (deep.string().size() < 180) deep /= "a folder with a long name";
  fs::create_directories(deep);
  const std::string path = (deep / "control.sock").string();
  REQUIRE(path.size() > core::max_sun_path_bytes);

  auto server_address = core::unix_socket_address::resolve(path);
  REQUIRE(server_address);
  CHECK(server_address->address().rfind("/proc/self/fd/", 0) == 0);
  CHECK(server_address->address().size() <= core::max_sun_path_bytes);
  core::unique_fd server(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_un s = server_address->to_sockaddr();
  REQUIRE(::bind(server.get(), reinterpret_cast<const sockaddr*>(&s), sizeof s) == 0);
  REQUIRE(::listen(server.get(), 1) == 0);

  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);  // the file is at the real path
  CHECK(S_ISSOCK(st.st_mode));

  auto client_address = core::unix_socket_address::resolve(path);
  REQUIRE(client_address);
  core::unique_fd client(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_un c = client_address->to_sockaddr();
  REQUIRE(::connect(client.get(), reinterpret_cast<const sockaddr*>(&c), sizeof c) == 0);
  core::unique_fd accepted(::accept(server.get(), nullptr, nullptr));
  REQUIRE(accepted.is_open());
  REQUIRE(::write(client.get(), "x", 1) == 1);
  char got = 0;
  REQUIRE(::read(accepted.get(), &got, 1) == 1);
  CHECK(got == 'x');
}

TEST_CASE("a socket name too long for any address is refused, naming the path") {
  bodycam::tests::temp_dir dir;
  const std::string path = (dir.path() / std::string(120, 'n')).string();
  auto a = core::unix_socket_address::resolve(path);
  REQUIRE_FALSE(a);
  CHECK(a.error().code == core::errc::invalid_argument);
  CHECK(a.error().context.find(path) != std::string::npos);
}

TEST_CASE("a long socket path whose folder does not exist is an error naming it") {
  const std::string path = "/nonexistent-folder/" + std::string(100, 'd') + "/control.sock";
  auto a = core::unix_socket_address::resolve(path);
  REQUIRE_FALSE(a);
  CHECK(a.error().context.find(path) != std::string::npos);
}

}  // namespace unix_socket_address_test
