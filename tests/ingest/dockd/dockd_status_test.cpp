// The dock page against a running bodycam-dockd with no camera docked: its one slot's address refuses
// connections. The status must say "no camera docked" with the refusal, never OK or a full bar; the store up
// since the start; the throughput assumed (configured); the totals since the daemon started; and JSON, page and
// metrics agree. Fast: no camera process, one daemon start, bounded waits, 127.0.0.1 only.
#include "common/crypto/key_file.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

using bodycam::tests::http_get;

namespace {

// A loopback port nothing listens on: bound, then closed (connections to it are refused).
std::uint16_t refused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

TEST_CASE("a running dock with no camera docked says so, with the store, throughput and totals as they are",
          "[integration]") {
  tests::temp_dir root("bodycam-dockd-status");
  const fs::path dir(root.path());
  fs::create_directories(dir / "cameras");
  auto dock_key = common::crypto::secret_key::generate();
  REQUIRE(dock_key.has_value());
  REQUIRE(common::crypto::write_key_pair(dir / "dock-1", "dock-1", *dock_key).has_value());
  auto camera_key = common::crypto::secret_key::generate();
  REQUIRE(camera_key.has_value());
  REQUIRE(
      common::crypto::write_public_key(dir / "cameras" / "cam-1.pub", {"cam-1", camera_key->public_key()}).has_value());
  const std::uint16_t camera_port = refused_port();
  std::ofstream(dir / "dockd.toml") << "[dock]\nid = \"dock-1\"\nkey_file = \"dock-1.key\"\nstore_dir = \"store\"\n"
                                    << "trusted_cameras_dir = \"cameras\"\nstate_db = \"state/dock.db\"\n"
                                    << "poll_interval_seconds = 1\n"
                                    << "[schedule]\nreassess_seconds = 1\ninitial_throughput_mib_per_second = 20\n"
                                    << "[http]\nlisten = \"127.0.0.1:0\"\n"
                                    << "[[camera]]\nslot = \"slot-1\"\naddress = \"127.0.0.1:" << camera_port << "\"\n";
  tests::background_process dockd({tests::built_program("bodycam-dockd"), "--config", (dir / "dockd.toml").string()},
                                  (dir / "dockd").string());
  const std::uint16_t port = tests::wait_for_status_port(dockd, std::chrono::seconds(30));
  INFO(dockd.log());
  REQUIRE(port != 0);
  nlohmann::json status;
  for (int i = 0; i < 200; ++i) {  // bounded: 20 s for the first refused connection attempt
    const auto body = http_get(port, "/status.json");
    if (!body.empty()) {
      status = nlohmann::json::parse(body);
      if (status["slots"].size() == 1 && status["slots"][0]["presence"] == "absent") break;
    }
    std::this_thread::sleep_for(100ms);
  }
  INFO(status.dump(2));
  REQUIRE(status["slots"].size() == 1);
  const auto& slot = status["slots"][0];
  CHECK(slot["presence"] == "absent");
  CHECK_FALSE(slot["presence_since_utc"].is_null());
  CHECK(slot["connected"] == false);
  CHECK_THAT(slot["last_error"].get<std::string>(), Catch::Contains("Connection refused"));
  CHECK(status["store"]["available"] == true);
  CHECK_FALSE(status["store"]["since_utc"].is_null());
  CHECK(status["totals"]["throughput_source"] == "assumed");
  CHECK(status["totals"]["throughput_bytes_per_second"] == 20.0 * 1024 * 1024);
  CHECK(status["totals"]["counted_since_utc"] == status["started_utc"]);

  const std::string page = http_get(port, "/");
  const auto row = page.find("<td>slot-1</td>");
  REQUIRE(row != std::string::npos);
  const std::string slot_row = page.substr(row, page.find("</tr>", row) - row);
  CHECK_THAT(slot_row, Catch::Contains("no camera docked"));
  CHECK_THAT(slot_row, Catch::Contains("Connection refused"));
  CHECK_FALSE(slot_row.find(">OK") != std::string::npos);
  CHECK_FALSE(slot_row.find("100 %") != std::string::npos);
  CHECK_THAT(page, Catch::Contains("assumed (configured)"));
  CHECK_THAT(page, Catch::Contains("Store: up since "));
  CHECK_THAT(page, Catch::Contains("<th>Stored since " + status["started_utc"].get<std::string>() + " (daemon start)"));

  const std::string metrics = http_get(port, "/metrics");
  CHECK_THAT(metrics, Catch::Contains("bodycam_dock_slot_presence{slot=\"slot-1\",device=\"\",presence=\"absent\"} 1"));
  CHECK_THAT(metrics, Catch::Contains("\nbodycam_dock_throughput_measured 0\n"));
  CHECK_THAT(metrics, Catch::Contains("\nbodycam_dock_store_available 1\n"));

  dockd.signal(SIGTERM);
  CHECK(dockd.wait(30s) == 0);
}

TEST_CASE("bodycam-dockd refuses a dock key the group or others may read, naming the file and its mode",
          "[integration]") {
  tests::temp_dir root("bodycam-dockd-keymode");
  const fs::path dir(root.path());
  fs::create_directories(dir / "cameras");
  auto dock_key = common::crypto::secret_key::generate();
  REQUIRE(dock_key.has_value());
  REQUIRE(common::crypto::write_key_pair(dir / "dock-1", "dock-1", *dock_key).has_value());
  std::ofstream(dir / "dockd.toml") << "[dock]\nid = \"dock-1\"\nkey_file = \"dock-1.key\"\nstore_dir = \"store\"\n"
                                    << "trusted_cameras_dir = \"cameras\"\nstate_db = \"state/dock.db\"\n"
                                    << "[[camera]]\nslot = \"slot-1\"\naddress = \"127.0.0.1:" << refused_port()
                                    << "\"\n";
  const std::string key = (dir / "dock-1.key").string();
  for (const unsigned loose : {0640U, 0644U}) {
    REQUIRE(::chmod(key.c_str(), loose) == 0);
    const auto r = tests::run_process(
        {tests::built_program("bodycam-dockd"), "--config", (dir / "dockd.toml").string()}, std::chrono::seconds(30));
    INFO(r.out << r.err);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find(key) != std::string::npos);
    CHECK(r.err.find(loose == 0640U ? "mode 0640" : "mode 0644") != std::string::npos);
    CHECK(r.err.find("chmod 600") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(dir / "store"));  // refused before the store was made
}
