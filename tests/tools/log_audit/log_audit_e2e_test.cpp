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
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

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

namespace {

bodycam::tests::process_result cli(std::vector<std::string> args) {
  std::vector<std::string> argv{built_program("bodycam")};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, std::chrono::minutes(2));
}

// The seq after the last '.' or '-' of an entry name ("clerk-demo.3" -> 3); names without one sort first.
std::uint64_t trailing_number(const std::string& name) {
  const auto at = name.find_last_not_of("0123456789");
  if (at == std::string::npos) return name.empty() ? 0 : std::stoull(name);
  if (at + 1 == name.size()) return 0;
  return std::stoull(name.substr(at + 1));
}

// The newest entry of a folder (by its trailing number), as "<folder>/<name>".
std::string newest_in(const fs::path& store_dir, const std::string& folder) {
  std::string best;
  std::uint64_t best_n = 0;
  for (const auto& e : fs::directory_iterator(store_dir / folder)) {
    const auto name = e.path().filename().string();
    if (name.starts_with(".") || name == "root.pub") continue;
    if (const auto n = trailing_number(name); best.empty() || n > best_n) {
      best = name;
      best_n = n;
    }
  }
  return best.empty() ? best : folder + "/" + best;
}

struct shift {
  temp_dir dir;
  fs::path out;
  std::string store_path;
  std::string root;
  std::string device;
  std::uint64_t last_seq = 0;
  std::string last_receipt;  // receipts/<name> covering last_seq
  int baseline_exit = -1;
};

// One shift for the executable: simulate, export twice and hold with the demo clerk, let the dock's next start
// log those entries (reconcile, as bodycam-dockd does at start-up, with the dock's key), let the witness cosign.
const shift& the_shift() {
  static std::unique_ptr<shift> made;
  if (made) return *made;
  auto sh = std::make_unique<shift>();
  sh->out = sh->dir.path() / "shift";
  auto sim = run_process({built_program("bodycam"), "simulate", "--out", sh->out.string(), "--cameras", "1",
                          "--minutes", "1", "--resolution", "320x240", "--fps", "15", "--segment-seconds", "10"},
                         std::chrono::minutes(8));
  INFO(sim.out << sim.err);
  REQUIRE(sim.exit_code <= 1);
  sh->store_path = (sh->out / "store").string();
  sh->root = (sh->out / "keys/agency-root.pub").string();
  const std::string clerk_key = (sh->out / "keys/clerk-demo.key").string();
  std::string session;
  {
    auto s = store::open_directory_store(sh->store_path, false).value();
    const auto device = s.list_devices().value().at(0);
    sh->device = device.str();
    const auto seqs = s.list_record_seqs(device).value();
    REQUIRE_FALSE(seqs.empty());
    sh->last_seq = seqs.back();
    for (auto seq : seqs) {
      auto r = bodycam::common::record::parse_signed_record(s.get_record(device, seq).value());
      if (r)
        if (const auto* st = std::get_if<bodycam::common::record::session_start_payload>(&r->body.body)) {
          session = st->session.to_hex();
          break;
        }
    }
  }
  REQUIRE_FALSE(session.empty());
  for (const auto& e : fs::directory_iterator(sh->out / "store/receipts"))
    if (e.path().filename().string().ends_with("-" + std::to_string(sh->last_seq + 1)))
      sh->last_receipt = "receipts/" + e.path().filename().string();
  REQUIRE_FALSE(sh->last_receipt.empty());
  for (const char* ref : {"CASE-1", "CASE-2"}) {
    auto ok = cli({"export", sh->store_path, "--out", (sh->dir.path() / ref).string(), "--session", session,
                   "--clerk-key", clerk_key, "--department", "records", "--reference", ref});
    INFO(ok.err);
    REQUIRE(ok.exit_code <= 1);
  }
  auto hold = cli({"retention", "hold", sh->store_path, "--reason", "evidence", "--device", sh->device, "--session",
                   session, "--clerk-key", clerk_key, "--department", "records", "--reference", "CASE-1"});
  INFO(hold.out << hold.err);
  REQUIRE(hold.exit_code == 0);
  {
    auto s = store::open_directory_store(sh->store_path, false).value();
    crypto::software_signer dock(crypto::load_secret_key(sh->out / "keys/dock-0001.key").value().key);
    slog::log_appender log(s, {std::string(slog::default_log_origin), "dock-0001", &dock});
    auto reconciled = slog::reconcile(s, log);
    REQUIRE(reconciled);
    CHECK(reconciled->appended >= 4);  // two access entries, a hold, the witness's enrollment
  }
  auto cosign =
      cli({"witness", "cosign", sh->store_path, "--key", (sh->out / "witness/witness-1.key").string(), "--state",
           (sh->out / "witness/witness-1.state").string(), "--log-key", (sh->out / "keys/dock-0001.pub").string()});
  INFO(cosign.out << cosign.err);
  REQUIRE(cosign.exit_code == 0);
  auto baseline = cli({"audit", sh->store_path, "--root", sh->root});
  INFO(baseline.out);
  REQUIRE(baseline.exit_code <= 1);
  CHECK_THAT(baseline.out, Catch::Contains("signed by dock dock-0001"));
  CHECK_THAT(baseline.out, Catch::Contains("cosigned by witness-1"));
  CHECK(baseline.out.find("log_") == std::string::npos);
  sh->baseline_exit = baseline.exit_code;
  made = std::move(sh);
  return *made;
}

// A copy of the shift's store for one attack.
struct attacked_store {
  temp_dir dir;
  fs::path path;
  explicit attacked_store(const shift& sh) : path(dir.path() / "store") {
    REQUIRE(run_process({"cp", "-a", sh.store_path, path.string()}).exit_code == 0);
  }
  void remove(const std::string& key) const {
    INFO(key);
    REQUIRE(fs::remove_all(path / key) >= 1);
  }
  [[nodiscard]] bodycam::tests::process_result audit(const shift& sh) const {
    return cli({"audit", path.string(), "--root", sh.root});
  }
};

}  // namespace

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
