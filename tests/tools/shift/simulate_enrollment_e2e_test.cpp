// The enrollment register on a real simulated shift (`bodycam simulate`, one camera): the demo clerk the
// simulation enrolled can export, a key nobody enrolled cannot, and what an insider with write access to the
// store slips in by hand — an access entry under a self-made clerk key, a receipt from a rogue dock whose key
// they put in keys/ — makes `bodycam audit --root` exit 2 naming it. A camera enrolled later that never docked
// is listed as such.
#include "common/crypto/key_file.hpp"
#include "common/receipt/receipt.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/registers/register_book.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using bodycam::tests::built_program;
using bodycam::tests::run_process;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;
namespace store = bodycam::common::store;
namespace crypto = bodycam::common::crypto;
namespace receipt = bodycam::common::receipt;
namespace registers = bodycam::tools::registers;

namespace {

bodycam::tests::process_result cli(std::vector<std::string> args) {
  std::vector<std::string> argv{built_program("bodycam")};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, std::chrono::minutes(2));
}

}  // namespace

TEST_CASE("enrollment on a simulated shift: self_enrolled_clerk, receipt_by_unenrolled_dock, never docked", "[e2e]") {
  temp_dir dir;
  const fs::path out = dir / "shift";
  auto sim = run_process({built_program("bodycam"), "simulate", "--out", out.string(), "--cameras", "1", "--minutes",
                          "1", "--resolution", "320x240", "--fps", "15", "--segment-seconds", "10"},
                         std::chrono::minutes(8));
  INFO(sim.out << sim.err);
  REQUIRE(sim.exit_code <= 1);
  const std::string store_path = (out / "store").string();
  const std::string root = (out / "keys/agency-root.pub").string();
  const std::string clerk_key = (out / "keys/clerk-demo.key").string();
  CHECK_THAT(sim.out, Catch::Contains("clerk:   " + clerk_key));
  const auto baseline = cli({"audit", store_path, "--root", root});
  REQUIRE(baseline.exit_code <= 1);
  CHECK_THAT(baseline.out, Catch::Contains("camera cam-0001 (enrollment/0): has a chain in the store"));
  std::string session;
  {
    auto s = store::open_directory_store(store_path, false).value();
    const auto device = s.list_devices().value().at(0);
    const auto seqs = s.list_record_seqs(device).value();
    for (auto seq : seqs) {
      auto bytes = s.get_record(device, seq).value();
      auto r = bodycam::common::record::parse_signed_record(bytes);
      if (r)
        if (const auto* st = std::get_if<bodycam::common::record::session_start_payload>(&r->body.body)) {
          session = st->session.to_hex();
          break;
        }
    }
  }
  REQUIRE_FALSE(session.empty());

  // The clerk the simulation enrolled can export.
  auto ok = cli({"export", store_path, "--out", (dir / "b1").string(), "--session", session, "--clerk-key", clerk_key,
                 "--department", "records", "--reference", "CASE-1"});
  INFO(ok.err);
  CHECK(ok.exit_code <= 1);
  CHECK(cli({"audit", store_path, "--root", root}).exit_code <= 1);

  // self_enrolled_clerk: a key made by keygen and never enrolled.
  REQUIRE(cli({"keygen", "--id", "mallory", "--out", (dir / "keys").string()}).exit_code == 0);
  auto refused = cli({"export", store_path, "--out", (dir / "b2").string(), "--session", session, "--clerk-key",
                      (dir / "keys/mallory.key").string(), "--department", "x", "--reference", "x"});
  CHECK(refused.exit_code == 3);
  CHECK_THAT(refused.err, Catch::Contains("is not in the enrollment register"));
  CHECK_FALSE(fs::exists(dir / "b2"));
  std::string forged_access;
  std::string forged_receipt;
  {
    auto s = store::open_directory_store(store_path, false).value();
    crypto::software_signer mallory(crypto::load_secret_key(dir / "keys/mallory.key").value().key);
    registers::register_entry e;
    e.kind = registers::entry_kind::access;
    e.utc = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
    e.department = "x";
    e.reference = "x";
    e.action = "export";
    forged_access = "access/" + registers::entry_name(
                                    registers::append_entry(s, store::entry_namespace::access, "mallory", e, mallory)
                                        .value()
                                        .body);
    // receipt_by_unenrolled_dock: a rogue dock's receipt, its key put in keys/ as the dock's would be.
    crypto::software_signer rogue(crypto::secret_key::generate().value());
    REQUIRE(s.put_public_key({"dock-rogue", rogue.public_key()}));
    const auto names = s.list_entries(store::entry_namespace::receipts).value();
    REQUIRE_FALSE(names.empty());
    auto genuine = receipt::parse(s.get_entry(store::entry_namespace::receipts, names.front()).value()).value();
    auto body = genuine.body;
    body.issuer = "dock-rogue";
    body.issuer_key = rogue.public_key();
    REQUIRE(body.end_seq > body.first_seq + 1);
    body.end_seq -= 1;  // another range, so another name than the genuine receipt's
    auto signed_r = receipt::sign(body, rogue).value();
    forged_receipt = receipt::store_name(body);
    REQUIRE(s.put_entry(store::entry_namespace::receipts, forged_receipt, signed_r.document));
  }
  // A camera enrolled with the demo root after the shift, never docked.
  REQUIRE(cli({"keygen", "--id", "cam-0009", "--out", (dir / "keys").string()}).exit_code == 0);
  auto late = cli({"enroll", "camera", "--key", (dir / "keys/cam-0009.pub").string(), "--store", store_path,
                   "--root-key", (out / "keys/agency-root.sealed").string(), "--passphrase-file",
                   (out / "keys/agency-passphrase").string()});
  INFO(late.err);
  REQUIRE(late.exit_code == 0);

  auto audit = cli({"audit", store_path, "--root", root});
  INFO(audit.out);
  CHECK(audit.exit_code == 2);
  CHECK_THAT(audit.out, Catch::Contains("NOT AUTHENTIC " + forged_access + " (access by mallory)"));
  CHECK_THAT(audit.out, Catch::Contains("NOT AUTHENTIC receipt receipts/" + forged_receipt + " (issuer dock-rogue)"));
  CHECK_THAT(audit.out, Catch::Contains("camera cam-0009 (enrollment/") &&
                            Catch::Contains("enrolled, never docked (enrolled 0 days, 0 hours ago)"));
  CHECK(audit.out.find("NOT AUTHENTIC access/clerk-demo") == std::string::npos);  // the enrolled clerk's stand
}
