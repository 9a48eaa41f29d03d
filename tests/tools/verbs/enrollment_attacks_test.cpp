// The enrollment register against the insider with write access to the store, through the CLI on a store
// the dock would have filled: each test is named for the attack and asserts what the audit (with the root the
// auditor trusts) or the clerks' tools report. And `bodycam agency init` with its sealed key and passphrase.
#include "common/crypto/key_file.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tests/tools/test_agency.hpp"
#include "tools/enrollment/enrollment_store.hpp"
#include "tools/registers/register_book.hpp"

#include <sys/stat.h>

#include <cstdlib>

#include <fstream>

#include <catch2/catch.hpp>

using namespace bodycam::common;
namespace fs = std::filesystem;
namespace en = bodycam::tools::enrollment;
namespace registers = bodycam::tools::registers;
using bodycam::tests::evidence_camera;
using bodycam::tests::temp_dir;

namespace {

using bodycam::tests::run_bodycam;

std::size_t files_in(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return 0;
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

// A store as the dock fills it (cam-0001, one old shift, receipts by dock-1), the agency root, and a clerk
// key pair made by keygen. What gets enrolled is up to each test.
struct attack_setup {
  temp_dir dir;
  std::string store_path = (dir / "store").string();
  record::session_id session;
  attack_setup() {
    auto s = store::open_directory_store(store_path, true).value();
    evidence_camera cam(s, "cam-0001", 1);
    bodycam::tests::record_shift(cam, 2, std::chrono::minutes(45));
    session = cam.session();
    for (const char* id : {"clerk-1", "admin-1", "mallory"}) {
      auto keygen = run_bodycam({"keygen", "--id", id, "--out", (dir / "keys").string()});
      if (keygen.exit_code != 0) throw std::runtime_error(keygen.err);
    }
  }
  store::store open() const { return store::open_directory_store(store_path, false).value(); }
  std::vector<std::string> export_args(const std::string& clerk, const std::string& out) const {
    return {"export", store_path, "--out", (dir / out).string(), "--session", session.to_hex(), "--clerk-key",
            (dir / ("keys/" + clerk + ".key")).string(), "--department", "records unit", "--reference", "CASE-1"};
  }
  // An insider writes an access entry straight into the store with `clerk`'s secret key.
  std::string forge_access_entry(const std::string& clerk) const {
    auto s = open();
    auto key = crypto::load_secret_key(dir / ("keys/" + clerk + ".key")).value();
    crypto::software_signer signer(std::move(key.key));
    registers::register_entry e;
    e.kind = registers::entry_kind::access;
    e.utc = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
    e.department = "none";
    e.reference = "none";
    e.action = "export";
    auto stored = registers::append_entry(s, store::entry_namespace::access, clerk, e, signer);
    if (!stored) throw std::runtime_error(stored.error().context);
    return "access/" + registers::entry_name(stored->body);
  }
};

}  // namespace

TEST_CASE("self_enrolled_clerk: a key nobody enrolled can neither export nor make the audit accept its entries",
          "[e2e]") {
  attack_setup t;
  std::string root;
  {
    auto s = t.open();
    bodycam::tests::test_agency agency(s, t.dir / "agency");
    agency.enroll_store_keys();
    root = agency.root_file();
  }
  REQUIRE(run_bodycam({"audit", t.store_path, "--root", root}).exit_code == 0);  // the store as the dock left it

  auto e = run_bodycam(t.export_args("mallory", "bundle"));
  CHECK(e.exit_code == 3);
  CHECK_THAT(e.err, Catch::Contains("'mallory'") && Catch::Contains("is not in the enrollment register") &&
                        Catch::Contains("bodycam enroll person --key mallory.pub --role clerk"));
  CHECK_FALSE(fs::exists(t.dir / "bundle"));
  CHECK(files_in(fs::path(t.store_path) / "access") == 0);

  SECTION("the insider writes the access entry by hand: the audit names it and the key, exit 2") {
    const std::string forged = t.forge_access_entry("mallory");
    auto a = run_bodycam({"audit", t.store_path, "--root", root});
    INFO(a.out);
    CHECK(a.exit_code == 2);
    CHECK_THAT(a.out, Catch::Contains("NOT AUTHENTIC " + forged) && Catch::Contains("is not in the enrollment register"));
  }
  SECTION("the insider enrolls themself, signing the register entry with their own key: unauthorized_signer") {
    auto s = t.open();
    auto key = crypto::load_secret_key(t.dir / "keys/mallory.key").value();
    crypto::software_signer signer(std::move(key.key));
    auto reg = en::load_register(s, en::get_store_root(s).value().value()).value();
    en::enrollment_entry self;
    self.seq = reg.entries.size();
    self.prev_hash = reg.entries.back().hash;
    self.utc = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
    self.kind = en::subject_kind::person;
    self.subject = "mallory";
    self.subject_key = signer.public_key();
    self.roles = 2 | 16;  // clerk, admin
    self.valid_from = self.utc - std::chrono::hours(1);
    auto signed_self = en::sign_enrollment_entry(self, signer).value();
    REQUIRE(s.put_entry(store::entry_namespace::enrollment, std::to_string(self.seq), signed_self.bytes));
    const std::string forged = t.forge_access_entry("mallory");
    auto a = run_bodycam({"audit", t.store_path, "--root", root});
    INFO(a.out);
    CHECK(a.exit_code == 2);
    CHECK_THAT(a.out, Catch::Contains("unauthorized_signer at enrollment/" + std::to_string(self.seq)));
    CHECK_THAT(a.out, Catch::Contains("NOT AUTHENTIC " + forged));
    auto again = run_bodycam(t.export_args("mallory", "bundle2"));  // the clerk's tool refuses to build on it
    CHECK(again.exit_code == 3);
    CHECK_FALSE(fs::exists(t.dir / "bundle2"));
  }
}

TEST_CASE("receipt_by_unenrolled_dock: receipts signed by a key the register does not enroll as a dock, exit 2",
          "[e2e]") {
  attack_setup t;
  std::string root;
  std::vector<std::string> receipts;
  {
    auto s = t.open();
    bodycam::tests::test_agency agency(s, t.dir / "agency");
    agency.enroll(en::subject_kind::camera, s.get_public_key(record::device_id::parse("cam-0001").value()).value());
    root = agency.root_file();  // dock-1's key is in keys/, as before, but not in the register
    receipts = s.list_entries(store::entry_namespace::receipts).value();
  }
  REQUIRE_FALSE(receipts.empty());
  auto a = run_bodycam({"audit", t.store_path, "--root", root});
  INFO(a.out);
  CHECK(a.exit_code == 2);
  for (const auto& name : receipts)
    CHECK_THAT(a.out, Catch::Contains("NOT AUTHENTIC receipt receipts/" + name + " (issuer dock-1)"));
  CHECK_THAT(a.out, Catch::Contains("a receipt needs an enrolled dock"));
}

TEST_CASE("revoked_key_used_after_revocation: entries before the revocation count, after it they do not", "[e2e]") {
  attack_setup t;
  std::string root;
  {
    auto s = t.open();
    bodycam::tests::test_agency agency(s, t.dir / "agency");
    agency.enroll_store_keys();
    agency.enroll_person(t.dir / "keys/admin-1.pub", 16);
    agency.enroll_person(t.dir / "keys/clerk-1.pub", 2);
    root = agency.root_file();
  }
  auto first = run_bodycam(t.export_args("clerk-1", "b1"));
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  const std::size_t before = files_in(fs::path(t.store_path) / "access");
  REQUIRE(before >= 1);
  // The admin revokes the clerk's enrollment (entry 3: the cameras and dock are 0-1, the admin 2, the clerk 3).
  auto r = run_bodycam({"enroll", "revoke", "--store", t.store_path, "--entry", "3", "--reason", "laptop stolen",
                "--admin-key", (t.dir / "keys/admin-1.key").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("person clerk-1 (enrollment/3) revoked from") && Catch::Contains("admin admin-1"));
  CHECK(run_bodycam({"audit", t.store_path, "--root", root}).exit_code == 0);  // what it signed before still counts

  auto after = run_bodycam(t.export_args("clerk-1", "b2"));
  CHECK(after.exit_code == 3);
  CHECK_THAT(after.err, Catch::Contains("revoked by entry 4 (laptop stolen)"));
  CHECK(files_in(fs::path(t.store_path) / "access") == before);

  const std::string forged = t.forge_access_entry("clerk-1");  // the thief writes one anyway
  auto a = run_bodycam({"audit", t.store_path, "--root", root});
  INFO(a.out);
  CHECK(a.exit_code == 2);
  CHECK_THAT(a.out, Catch::Contains("NOT AUTHENTIC " + forged) && Catch::Contains("revoked by entry 4"));
  CHECK(a.out.find("NOT AUTHENTIC access/clerk-1.0 ") == std::string::npos);
  // A clerk cannot revoke: only the root or an admin signs the register.
  auto by_clerk = run_bodycam({"enroll", "revoke", "--store", t.store_path, "--entry", "2", "--reason", "x", "--admin-key",
                       (t.dir / "keys/clerk-1.key").string()});
  CHECK(by_clerk.exit_code == 2);
  CHECK_THAT(by_clerk.err, Catch::Contains("may not sign a enrollment entry"));
}

TEST_CASE("enrollment_entry_deleted: a middle entry removed from the store is a chain gap, exit 2", "[e2e]") {
  attack_setup t;
  std::string root;
  {
    auto s = t.open();
    bodycam::tests::test_agency agency(s, t.dir / "agency");
    agency.enroll_store_keys();
    agency.enroll_person(t.dir / "keys/clerk-1.pub", 2);
    root = agency.root_file();
  }
  REQUIRE(run_bodycam(t.export_args("clerk-1", "b1")).exit_code == 0);
  REQUIRE(run_bodycam({"audit", t.store_path, "--root", root}).exit_code == 0);
  const fs::path victim = fs::path(t.store_path) / "enrollment/1";  // dock-1's enrollment
  REQUIRE(fs::exists(victim));
  fs::permissions(victim.parent_path(), fs::perms::owner_all, fs::perm_options::add);
  REQUIRE(fs::remove(victim));
  auto a = run_bodycam({"audit", t.store_path, "--root", root});
  INFO(a.out);
  CHECK(a.exit_code == 2);
  CHECK_THAT(a.out, Catch::Contains("NOT AUTHENTIC seq_gap at enrollment/1: entry 1 is missing"));
  auto json = run_bodycam({"audit", t.store_path, "--root", root, "--json"});
  CHECK_THAT(json.out, Catch::Contains("\"code\": \"seq_gap\""));
}

TEST_CASE("the audit never trusts a root found only in the store, and names the root it used", "[e2e]") {
  attack_setup t;
  std::string root;
  {
    auto s = t.open();
    bodycam::tests::test_agency agency(s, t.dir / "agency");
    agency.enroll_store_keys();
    root = agency.root_file();
  }
  auto without = run_bodycam({"audit", t.store_path});
  CHECK(without.exit_code == 3);
  CHECK_THAT(without.out, Catch::Contains("root used: the store's enrollment/root.pub only") &&
                              Catch::Contains("NOT confirmed"));
  auto with = run_bodycam({"audit", t.store_path, "--root", root});
  CHECK(with.exit_code == 0);
  CHECK_THAT(with.out, Catch::Contains("root used: --root " + root));
  ::setenv("BODYCAM_AGENCY_ROOT", root.c_str(), 1);  // the configured root, as an auditor's profile sets it
  auto configured = run_bodycam({"audit", t.store_path});
  ::unsetenv("BODYCAM_AGENCY_ROOT");
  CHECK(configured.exit_code == 0);
  CHECK_THAT(configured.out, Catch::Contains("root used: BODYCAM_AGENCY_ROOT=" + root));
  // Another agency's root: the store's register is not signed by it.
  temp_dir other;
  auto other_key = crypto::secret_key::generate().value();
  REQUIRE(crypto::write_public_key(other / "other.pub", {"agency-root", other_key.public_key()}));
  auto wrong = run_bodycam({"audit", t.store_path, "--root", (other / "other.pub").string()});
  CHECK(wrong.exit_code == 2);
  CHECK_THAT(wrong.out, Catch::Contains("names another root") && Catch::Contains("unauthorized_signer at enrollment/0"));
}

TEST_CASE("bodycam agency init: sealed root key (0600), passphrase file rules, wrong passphrase, then enroll",
          "[e2e]") {
  temp_dir dir;
  const fs::path pass = dir / "pass";
  std::ofstream(pass) << "correct horse battery staple\n";
  fs::permissions(pass, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  auto loose = run_bodycam({"agency", "init", "--out", (dir / "agency").string(), "--passphrase-file", pass.string()});
  CHECK(loose.exit_code == 3);
  CHECK_THAT(loose.err, Catch::Contains("chmod 600 " + pass.string()));
  CHECK_FALSE(fs::exists(dir / "agency/agency-root.sealed"));
  fs::permissions(pass, fs::perms::owner_read | fs::perms::owner_write);
  auto init = run_bodycam({"agency", "init", "--out", (dir / "agency").string(), "--passphrase-file", pass.string(), "--store",
                   (dir / "store").string(), "--create-store"});
  INFO(init.err);
  REQUIRE(init.exit_code == 0);
  struct stat st {};
  REQUIRE(::stat((dir / "agency/agency-root.sealed").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(crypto::load_public_key(dir / "agency/agency-root.pub").value().label == "agency-root");
  CHECK(fs::exists(dir / "store/enrollment/root.pub"));
  auto again = run_bodycam({"agency", "init", "--out", (dir / "agency").string(), "--passphrase-file", pass.string()});
  CHECK(again.exit_code == 3);
  CHECK_THAT(again.err, Catch::Contains("already exists"));

  REQUIRE(run_bodycam({"keygen", "--id", "clerk-1", "--out", (dir / "keys").string()}).exit_code == 0);
  const fs::path wrong = dir / "wrong";
  std::ofstream(wrong) << "correct horse\n";
  fs::permissions(wrong, fs::perms::owner_read | fs::perms::owner_write);
  auto bad = run_bodycam({"enroll", "person", "--key", (dir / "keys/clerk-1.pub").string(), "--role", "clerk", "--store",
                  (dir / "store").string(), "--root-key", (dir / "agency/agency-root.sealed").string(),
                  "--passphrase-file", wrong.string()});
  CHECK(bad.exit_code == 3);
  CHECK_THAT(bad.err, Catch::Contains("wrong passphrase"));
  CHECK(files_in(dir / "store/enrollment") == 1);  // root.pub only
  auto ok = run_bodycam({"enroll", "person", "--key", (dir / "keys/clerk-1.pub").string(), "--role", "clerk,supervisor",
                 "--unit", "records", "--store", (dir / "store").string(), "--root-key",
                 (dir / "agency/agency-root.sealed").string(), "--passphrase-file", pass.string()});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::Contains("enrollment/0: person clerk-1 roles clerk,supervisor unit records"));
  CHECK(files_in(dir / "store/enrollment") == 2);
}
