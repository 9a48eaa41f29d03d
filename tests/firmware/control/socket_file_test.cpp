// The control socket's file: stale files are replaced only when nothing listens, anything else is left alone.
#include "firmware/control/socket_file.hpp"
#include "common/core/unix_socket_address.hpp"
#include "tests/firmware/control/socket_client.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstring>
#include <fstream>

#include <catch2/catch.hpp>

using namespace bodycam::firmware::control;
using bodycam::common::core::errc;
using bodycam::tests::make_stale_socket;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;

namespace {

bool is_socket_file(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

// A listening socket at `path` that stays open as long as the returned fd.
bodycam::common::core::unique_fd listen_at(const fs::path& path) {
  bodycam::common::core::unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(fd.is_open());
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.string().size());
  REQUIRE(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(fd.get(), 1) == 0);
  return fd;
}

}  // namespace

TEST_CASE("an absent socket path is free", "[integration]") {
  temp_dir dir;
  CHECK(remove_stale_socket((dir.path() / "r.sock").string()).has_value());
}

TEST_CASE("a stale socket file left by a crash is removed", "[integration]") {
  temp_dir dir;
  const fs::path path = dir.path() / "r.sock";
  make_stale_socket(path);
  REQUIRE(is_socket_file(path));
  REQUIRE(remove_stale_socket(path.string()).has_value());
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a socket with a live listener is never replaced", "[integration]") {
  temp_dir dir;
  const fs::path path = dir.path() / "r.sock";
  auto listener = listen_at(path);
  auto result = remove_stale_socket(path.string());
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == errc::conflict);
  CHECK(result.error().context == "control socket " + path.string() + ": another process is listening on it");
  CHECK(is_socket_file(path));
}

TEST_CASE("a regular file in the socket's place is never replaced", "[integration]") {
  temp_dir dir;
  const fs::path path = dir.path() / "r.sock";
  std::ofstream(path) << "evidence";
  auto result = remove_stale_socket(path.string());
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == errc::already_exists);
  CHECK(result.error().context.find("not a socket") != std::string::npos);
  std::ifstream in(path);
  std::string content;
  in >> content;
  CHECK(content == "evidence");
}

TEST_CASE("the path claim is exclusive while held", "[integration]") {
  temp_dir dir;
  const std::string path = (dir.path() / "r.sock").string();
  auto first = claim_socket_path(path);
  REQUIRE(first.has_value());
  auto second = claim_socket_path(path);
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error().code == errc::conflict);
  CHECK(second.error().context == "control socket " + path + ": another recorder holds " + path + ".lock");
  first->reset();
  CHECK(claim_socket_path(path).has_value());
}

TEST_CASE("only the socket file this process bound is removed", "[integration]") {
  temp_dir dir;
  const fs::path path = dir.path() / "r.sock";
  make_stale_socket(path);
  auto ours = identify_file(path.string());
  REQUIRE(ours.has_value());

  SECTION("still ours: removed") {
    REQUIRE(remove_socket_if_same(path.string(), *ours).has_value());
    CHECK_FALSE(fs::exists(path));
  }
  SECTION("replaced by another process meanwhile: left alone") {
    // Bound while ours still exists, so the two inodes differ, then moved over ours.
    auto theirs = listen_at(dir.path() / "theirs.sock");
    fs::rename(dir.path() / "theirs.sock", path);
    REQUIRE(remove_socket_if_same(path.string(), *ours).has_value());
    CHECK(is_socket_file(path));
  }
  SECTION("already gone: nothing to do") {
    fs::remove(path);
    CHECK(remove_socket_if_same(path.string(), *ours).has_value());
  }
}

TEST_CASE("a socket name too long for sockaddr_un even through its folder is refused", "[integration]") {
  auto result = remove_stale_socket("/" + std::string(bodycam::common::core::max_sun_path_bytes, 'x'));
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == errc::invalid_argument);
}
