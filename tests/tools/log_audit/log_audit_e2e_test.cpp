// The store log in `bodycam audit`, on a real simulated shift (`bodycam simulate`, one camera, one minute): an
// insider with write access to the store deletes or rewrites what the log lists — the newest record and its
// receipt, a whole camera, the newest access, retention or enrollment entry, an object's bytes — and the audit
// exits 2 naming it; an attacker who also holds a dock key and rebuilds log/ without the deleted leaves is caught
// by the witness's cosignature, which no longer verifies over the rebuilt checkpoint. A store whose log has no
// witnessed checkpoint, and one without log/, are reported plainly. One shift for the whole executable; each
// attack works on its own copy (cp -a) of the shift's store.
#include "common/crypto/key_file.hpp"
#include "common/record/record.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/store_log/reconcile.hpp"
#include "tests/tools/log_audit/simulated_shift.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include <catch2/catch.hpp>

using bodycam::tests::built_program;
using bodycam::tests::run_process;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;
namespace store = bodycam::common::store;
namespace crypto = bodycam::common::crypto;
namespace slog = bodycam::common::store_log;

using namespace bodycam::tests::log_audit;

TEST_CASE("tail_record_and_receipt_deleted", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  const std::string record = "records/" + sh.device + "/" + std::to_string(sh.last_seq);
  a.remove(record);
  a.remove(sh.last_receipt);
  auto r = a.audit(sh);
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("NOT AUTHENTIC log_item_missing " + record));
  CHECK_THAT(r.out, Catch::Contains("NOT AUTHENTIC log_item_missing " + sh.last_receipt));
}

TEST_CASE("device_erased", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  a.remove("records/" + sh.device);
  a.remove("keys/" + sh.device + ".pub");
  std::size_t receipts = 0;
  for (const auto& e : fs::directory_iterator(a.path / "receipts"))
    if (e.path().filename().string().starts_with(sh.device + ".")) {
      REQUIRE(fs::remove(e.path()));
      ++receipts;
    }
  REQUIRE(receipts >= 1);
  auto r = a.audit(sh);
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("NOT AUTHENTIC log_item_missing keys/" + sh.device + ".pub"));
  CHECK_THAT(r.out, Catch::Contains("NOT AUTHENTIC log_item_missing records/" + sh.device + "/0"));
  CHECK_THAT(r.out, Catch::Contains("NOT AUTHENTIC log_item_missing receipts/" + sh.device + "."));
}

TEST_CASE("access_entry_deleted", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  const auto entry = newest_in(a.path, "access");
  REQUIRE_FALSE(entry.empty());
  a.remove(entry);
  auto r = a.audit(sh);
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("NOT AUTHENTIC log_item_missing " + entry));
}

TEST_CASE("retention_entry_deleted", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  const auto entry = newest_in(a.path, "retention");
  REQUIRE_FALSE(entry.empty());
  a.remove(entry);
  auto r = a.audit(sh);
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("NOT AUTHENTIC log_item_missing " + entry));
}

TEST_CASE("enrollment_entry_deleted", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  const auto entry = newest_in(a.path, "enrollment");
  REQUIRE_FALSE(entry.empty());
  a.remove(entry);
  auto r = a.audit(sh);
  INFO(entry << "\n" << r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("NOT AUTHENTIC log_item_missing " + entry));
}

TEST_CASE("object_rewritten", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  fs::path victim;
  for (const auto& e : fs::directory_iterator(a.path / "objects/sha256"))
    if (e.is_regular_file() && e.file_size() > 100) victim = e.path();
  REQUIRE_FALSE(victim.empty());
  fs::permissions(victim, fs::perms::owner_write, fs::perm_options::add);
  {
    std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(f);
    f.seekp(50);
    f.put('\x5a');
    f.seekp(51);
    f.put('\xa5');
  }
  const std::string key = "objects/sha256/" + victim.filename().string();
  auto r = a.audit(sh);
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("NOT AUTHENTIC log_item_changed " + key));
}

TEST_CASE("log_rebuilt_without_entries", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  const std::string record = "records/" + sh.device + "/" + std::to_string(sh.last_seq);
  a.remove(record);
  a.remove(sh.last_receipt);
  // The attacker keeps the witness's cosignature files (they cannot make new ones) and rebuilds the rest of log/
  // with the dock's key: every leaf but the deleted items', padded with repeats so that a checkpoint of the
  // witnessed size exists again.
  const fs::path cosigs = a.dir.path() / "cosignature";
  fs::copy(a.path / "log/cosignature", cosigs, fs::copy_options::recursive);
  std::uint64_t witnessed = 0;
  for (const auto& e : fs::directory_iterator(cosigs))
    witnessed = std::max<std::uint64_t>(witnessed, std::stoull(e.path().filename().string()));
  REQUIRE(witnessed > 2);
  {
    auto s = store::open_directory_store(a.path.string(), false).value();
    auto newest = slog::newest_checkpoint(s.backend()).value().value();
    auto entries = slog::read_log_entries(s.backend(), newest.checkpoint.size).value();
    std::vector<bodycam::common::core::byte_buffer> kept;
    for (auto& e : entries) {
      const std::string text(e.begin(), e.end());
      if (!text.ends_with(" " + record + "\n") && !text.ends_with(" " + sh.last_receipt + "\n")) kept.push_back(e);
    }
    REQUIRE(kept.size() == entries.size() - 2);
    while (kept.size() < witnessed) kept.push_back(kept.front());
    REQUIRE(fs::remove_all(a.path / "log") > 0);
    crypto::software_signer dock(crypto::load_secret_key(sh.out / "keys/dock-0001.key").value().key);
    slog::log_appender log(s, {std::string(slog::default_log_origin), "dock-0001", &dock});
    const std::span<const bodycam::common::core::byte_buffer> all(kept);
    REQUIRE(log.append(all.first(witnessed)).ok());
    if (kept.size() > witnessed) REQUIRE(log.append(all.subspan(witnessed)).ok());
    REQUIRE(fs::exists(a.path / ("log/checkpoint/" + std::to_string(witnessed))));
  }
  fs::copy(cosigs, a.path / "log/cosignature", fs::copy_options::recursive);
  auto r = a.audit(sh);
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("signed by dock dock-0001"));  // the rebuilt log is signed and self-consistent
  CHECK(r.out.find("log_item_missing") == std::string::npos);
  CHECK_THAT(r.out, Catch::Contains("NOT AUTHENTIC log_inconsistent log/cosignature/" + std::to_string(witnessed) +
                                    "/witness-1"));
}

TEST_CASE("log without a witnessed checkpoint, and a store made before the log", "[e2e]") {
  const auto& sh = the_shift();
  attacked_store a(sh);
  a.remove("log/cosignature");
  auto unwitnessed = a.audit(sh);
  INFO(unwitnessed.out);
  CHECK(unwitnessed.exit_code == 1);
  CHECK_THAT(unwitnessed.out, Catch::Contains("GAP log_unwitnessed"));
  auto json = cli({"audit", a.path.string(), "--root", sh.root, "--json"});
  CHECK_THAT(json.out, Catch::Contains("\"log_unwitnessed\""));
  a.remove("log");
  auto before = a.audit(sh);
  INFO(before.out);
  CHECK(before.exit_code == sh.baseline_exit);
  CHECK_THAT(before.out, Catch::Contains("this store has no log"));
}
