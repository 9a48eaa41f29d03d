// The shared simulated shift; see simulated_shift.hpp.
#include "tests/tools/log_audit/simulated_shift.hpp"

#include "common/crypto/key_file.hpp"
#include "common/record/record.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store_log/log_appender.hpp"
#include "common/store_log/reconcile.hpp"

#include <memory>

#include <catch2/catch.hpp>

namespace bodycam::tests::log_audit {

namespace fs = std::filesystem;
namespace store = bodycam::common::store;
namespace crypto = bodycam::common::crypto;
namespace slog = bodycam::common::store_log;

process_result cli(std::vector<std::string> args) {
  std::vector<std::string> argv{built_program("bodycam")};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, std::chrono::minutes(2));
}

std::uint64_t trailing_number(const std::string& name) {
  const auto at = name.find_last_not_of("0123456789");
  if (at == std::string::npos) return name.empty() ? 0 : std::stoull(name);
  if (at + 1 == name.size()) return 0;
  return std::stoull(name.substr(at + 1));
}

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
  sh->session = session;
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

attacked_store::attacked_store(const shift& sh) : path(dir.path() / "store") {
  REQUIRE(run_process({"cp", "-a", sh.store_path, path.string()}).exit_code == 0);
}

void attacked_store::remove(const std::string& key) const {
  INFO(key);
  REQUIRE(fs::remove_all(path / key) >= 1);
}

process_result attacked_store::audit(const shift& sh) const { return cli({"audit", path.string(), "--root", sh.root}); }

}  // namespace bodycam::tests::log_audit
