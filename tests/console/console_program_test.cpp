// bodycam-console as a program ([e2e]): `account add` with a password file, then the server on 127.0.0.1
// (plain HTTP, loopback) over a directory store, a login and a session page through a socket, SIGTERM.
#include "common/crypto/key_file.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tests/tools/test_agency.hpp"

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <sodium.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

using namespace bodycam;
using namespace bodycam::tests;
namespace asio = boost::asio;

namespace {

void write_secret(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One request on a fresh connection; everything the server sends until it closes (5 s bound).
std::string http_exchange(std::uint16_t port, const std::string& request) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  struct timeval tv {5, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  asio::write(s, asio::buffer(request));
  std::string out;
  boost::system::error_code ec;
  std::array<char, 4096> chunk{};
  for (;;) {
    const auto n = s.read_some(asio::buffer(chunk), ec);
    out.append(chunk.data(), n);
    if (ec) break;
  }
  return out;
}

}  // namespace

TEST_CASE("bodycam-console: account add, serve, log in, open a session, stop", "[e2e]") {
  temp_dir dir("bodycam-console-e2e");
  std::string session_hex;
  {
    auto s = common::store::open_directory_store(dir / "store", true);
    REQUIRE(s);
    test_agency agency(*s, dir.path());
    evidence_camera cam(*s, "cam-0001", 5);
    record_shift(cam, 2, std::chrono::minutes(10));
    session_hex = cam.session().to_hex();
    agency.enroll_store_keys();
    auto key = common::crypto::secret_key::generate().value();
    REQUIRE(common::crypto::write_key_pair(dir / "clerk-1", "clerk-1", key));
    agency.enroll_person(dir / "clerk-1.pub", clerk_and_supervisor);
    REQUIRE(agency.root_file() == (dir / "agency-root.pub").string());
  }
  std::string cookie_key(32, '\0');
  randombytes_buf(cookie_key.data(), cookie_key.size());
  write_secret(dir / "cookie.key", cookie_key);
  write_secret(dir / "password", "console e2e password\n");
  std::ofstream(dir / "console.toml") << "[console]\nlisten = [\"127.0.0.1:0\"]\nroot_public_key = \"agency-root.pub\"\n"
                                         "accounts_dir = \"accounts\"\ncookie_key_file = \"cookie.key\"\n"
                                         "state_dir = \"state\"\n[store]\npath = \"store\"\n";
  const std::string config = (dir / "console.toml").string();

  const auto added = run_process({built_program("bodycam-console"), "account", "add", "--config", config, "--person",
                                  "clerk-1", "--key", (dir / "clerk-1.key").string(), "--password-file",
                                  (dir / "password").string()},
                                 std::chrono::seconds(60));
  INFO(added.out << added.err);
  REQUIRE(added.exit_code == 0);
  struct stat st {};
  REQUIRE(::stat((dir / "accounts" / "clerk-1.account").c_str(), &st) == 0);
  CHECK((st.st_mode & 077) == 0);

  background_process console({built_program("bodycam-console"), "--config", config}, (dir / "console").string());
  std::uint16_t port = 0;
  for (int i = 0; i < 100 && port == 0; ++i) {
    const std::string out = slurp(dir / "console.stdout");
    const auto at = out.find("http://127.0.0.1:");
    if (at != std::string::npos && out.find('\n', at) != std::string::npos)
      port = static_cast<std::uint16_t>(std::stoi(out.substr(at + 17)));
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(console.log());
  REQUIRE(port != 0);

  const std::string body = "person=clerk-1&password=console+e2e+password";
  const auto login = http_exchange(port, "POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
                                    "application/x-www-form-urlencoded\r\nContent-Length: " +
                                        std::to_string(body.size()) + "\r\n\r\n" + body);
  REQUIRE(login.starts_with("HTTP/1.1 303"));
  const auto at = login.find("bodycam_session=");
  REQUIRE(at != std::string::npos);
  const std::string cookie = login.substr(at, login.find(';', at) - at);
  CHECK(login.find("; Secure") == std::string::npos);  // plain HTTP on loopback: no Secure flag

  const auto page = http_exchange(port, "GET /sessions/cam-0001/" + session_hex + "?purpose=E2E-1 HTTP/1.1\r\nHost: x\r\n"
                                   "Connection: close\r\nCookie: " + cookie + "\r\n\r\n");
  CHECK(page.starts_with("HTTP/1.1 200"));
  CHECK(page.find("access/clerk-1.0") != std::string::npos);
  CHECK(std::filesystem::exists(dir / "store" / "access" / "clerk-1.0"));

  console.signal(SIGTERM);
  CHECK(console.wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("bodycam-console refuses a cookie key or TLS key the group or others may read, naming file and mode",
          "[e2e]") {
  temp_dir dir("bodycam-console-keymode");
  REQUIRE(common::store::open_directory_store(dir / "store", true));
  auto root = common::crypto::secret_key::generate().value();
  REQUIRE(common::crypto::write_key_pair(dir / "agency-root", "agency-root", root));
  std::string cookie_key(32, '\0');
  randombytes_buf(cookie_key.data(), cookie_key.size());
  write_secret(dir / "cookie.key", cookie_key);
  write_secret(dir / "tls.key", "-----BEGIN PRIVATE KEY-----\n");
  std::ofstream(dir / "tls.crt") << "-----BEGIN CERTIFICATE-----\n";
  const std::string base = "[console]\nlisten = [\"127.0.0.1:0\"]\nroot_public_key = \"agency-root.pub\"\n"
                           "accounts_dir = \"accounts\"\ncookie_key_file = \"cookie.key\"\nstate_dir = \"state\"\n";
  std::ofstream(dir / "plain.toml") << base << "[store]\npath = \"store\"\n";
  std::ofstream(dir / "tls.toml") << base << "tls_certificate = \"tls.crt\"\ntls_key = \"tls.key\"\n"
                                  << "[store]\npath = \"store\"\n";
  auto refused = [&](const std::string& config, const std::filesystem::path& key, const char* mode) {
    const auto r = run_process({built_program("bodycam-console"), "--config", (dir / config).string()},
                               std::chrono::seconds(30));
    INFO(r.out << r.err);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find(key.string()) != std::string::npos);
    CHECK(r.err.find(std::string("mode ") + mode) != std::string::npos);
    CHECK(r.err.find("chmod 600") != std::string::npos);
    CHECK(r.out.find("http://") == std::string::npos);  // it never listened
  };
  SECTION("the cookie key") {
    REQUIRE(::chmod((dir / "cookie.key").c_str(), 0640) == 0);
    refused("plain.toml", dir / "cookie.key", "0640");
  }
  SECTION("the TLS private key") {
    REQUIRE(::chmod((dir / "tls.key").c_str(), 0644) == 0);
    refused("tls.toml", dir / "tls.key", "0644");
  }
}
