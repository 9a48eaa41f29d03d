// `bodycam witness cosign` as an operator runs it: exit 0 with the cosignature in the store, exit 2 with the
// reason for a rollback and for a checkpoint signed by a key not given, exit 3 when there is nothing to witness.
#include "common/crypto/key_file.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store_log/leaf.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/log_files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace witness_cli_test {

using namespace bodycam;
using namespace bodycam::common;
using bodycam::tests::run_bodycam;
using bodycam::tests::temp_dir;

namespace {

// A directory store whose log holds `count` receipt leaves, appended by dock-1.
void make_logged_store(const std::filesystem::path& root, crypto::signer& dock, int count) {
  auto s = store::open_directory_store(root, true);
  REQUIRE(s);
  store_log::log_appender log(*s, {std::string(store_log::default_log_origin), "dock-1", &dock});
  std::vector<core::byte_buffer> leaves;
  for (int i = 0; i < count; ++i) {
    const std::string name = "r" + std::to_string(i);
    auto leaf = store_log::encode_leaf({"receipts/" + name, crypto::sha256(std::string_view(name))});
    REQUIRE(leaf);
    leaves.push_back(*leaf);
  }
  REQUIRE(log.append(leaves).ok());
}

}  // namespace

TEST_CASE("bodycam witness cosign: cosigns, refuses a rollback and an unknown key, exit codes", "[e2e]") {
  temp_dir dir("witness-cli");
  auto dock_key = crypto::secret_key::generate();
  REQUIRE(dock_key);
  REQUIRE(crypto::write_key_pair(dir / "dock-1", "dock-1", *dock_key));
  auto other_key = crypto::secret_key::generate();
  REQUIRE(other_key);
  REQUIRE(crypto::write_key_pair(dir / "other", "dock-1", *other_key));
  crypto::software_signer dock(std::move(*dock_key));
  make_logged_store(dir / "store", dock, 9);
  make_logged_store(dir / "old-copy", dock, 4);
  auto keygen = run_bodycam({"keygen", "--id", "witness-1", "--out", (dir / "w").string()});
  REQUIRE(keygen.exit_code == 0);
  const auto cosign = [&](const std::string& store, const std::string& log_key) {
    return run_bodycam({"witness", "cosign", store, "--key", (dir / "w" / "witness-1.key").string(), "--state",
                        (dir / "w" / "state").string(), "--log-key", log_key});
  };

  auto stranger = cosign((dir / "store").string(), (dir / "other.pub").string());
  INFO(stranger.out << stranger.err);
  CHECK(stranger.exit_code == 2);
  CHECK(stranger.out.find("bad log signature") != std::string::npos);

  auto first = cosign((dir / "store").string(), (dir / "dock-1.pub").string());
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("cosigned: checkpoint of size 9 as witness-1") != std::string::npos);
  auto s = store::open_directory_store(dir / "store", false);
  REQUIRE(s);
  auto line = store_log::read_log_file(s->backend(), *store_log::cosignature_key(9, "witness-1"));
  REQUIRE(line);
  CHECK(line->has_value());

  auto rollback = cosign((dir / "old-copy").string(), (dir / "dock-1.pub").string());
  INFO(rollback.out << rollback.err);
  CHECK(rollback.exit_code == 2);
  CHECK(rollback.out.find("smaller tree") != std::string::npos);

  REQUIRE(store::open_directory_store(dir / "empty", true));
  auto empty = cosign((dir / "empty").string(), (dir / "dock-1.pub").string());
  CHECK(empty.exit_code == 3);
  CHECK(empty.err.find("the store log is empty") != std::string::npos);
}

TEST_CASE("bodycam witness cosign and serve refuse a witness key the group or others may read", "[e2e]") {
  temp_dir dir("witness-keymode");
  auto keygen = run_bodycam({"keygen", "--id", "witness-1", "--out", (dir / "w").string()});
  REQUIRE(keygen.exit_code == 0);
  auto dock_key = crypto::secret_key::generate();
  REQUIRE(dock_key);
  REQUIRE(crypto::write_key_pair(dir / "dock-1", "dock-1", *dock_key));
  crypto::software_signer dock(std::move(*dock_key));
  make_logged_store(dir / "store", dock, 2);
  const std::string key = (dir / "w" / "witness-1.key").string();
  REQUIRE(::chmod(key.c_str(), 0640) == 0);
  const std::vector<std::vector<std::string>> runs = {
      {"witness", "cosign", (dir / "store").string(), "--key", key, "--state", (dir / "w" / "state").string(),
       "--log-key", (dir / "dock-1.pub").string()},
      {"witness", "serve", "--listen", "127.0.0.1:0", "--key", key, "--state", (dir / "w" / "state").string(),
       "--log-key", (dir / "dock-1.pub").string()}};
  for (const auto& run : runs) {
    const auto r = run_bodycam(run);
    INFO(run[1] << ": " << r.out << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find(key) != std::string::npos);
    CHECK(r.err.find("mode 0640") != std::string::npos);
    CHECK(r.err.find("chmod 600") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(dir / "w" / "state"));  // refused before any state was written
}

}  // namespace witness_cli_test
