// Two-person expiry and hold release on the command line (docs/formats/access-register.md §3 rules 6 and 3):
// `bodycam retention expire` shows the dry run, `--request` signs the list, `bodycam approve retention/...` by
// another supervisor, `--approved` deletes only what the request names and is still due; `retention release
// --hold` requests, `--approved` ends the hold. On a directory store with two old sessions, a clerk who is also a
// supervisor (clerk-1), another supervisor (sup-1) and a clerk without the supervisor role (clerk-2). The tests
// count stored objects and files that would expire, so a deletion or release that did not happen fails.
#include "common/store/directory_backend.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tests/tools/test_agency.hpp"
#include "tools/registers/hold_release.hpp"
#include "tools/registers/register_book.hpp"
#include "tools/verbs/clerk_identity.hpp"

#include <filesystem>

#include <catch2/catch.hpp>

using namespace bodycam::common;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;

namespace {

using bodycam::tests::run_bodycam;

struct expiry_setup {
  temp_dir dir;
  std::string store_path = dir / "store";
  std::string clerk_key = dir / "keys/clerk-1.key";
  std::string sup_key = dir / "keys/sup-1.key";
  std::string plain_clerk_key = dir / "keys/clerk-2.key";
  std::string root;
  record::session_id first_session;
  record::session_id second_session;
  expiry_setup() {
    auto s = store::open_directory_store(store_path, true).value();
    bodycam::tests::evidence_camera cam(s, "cam-0001", 1);
    bodycam::tests::record_shift(cam, 2, std::chrono::minutes(45));  // January 2026: past retention
    first_session = cam.session();
    bodycam::tests::evidence_camera cam2(s, "cam-0002", 2);
    bodycam::tests::record_shift(cam2, 2, std::chrono::minutes(45));
    second_session = cam2.session();
    for (const char* id : {"clerk-1", "sup-1", "clerk-2"})
      if (auto k = run_bodycam({"keygen", "--id", id, "--out", dir / "keys"}); k.exit_code != 0)
        throw std::runtime_error(k.err);
    bodycam::tests::test_agency agency(s, dir / "agency");
    agency.enroll_store_keys();
    agency.enroll_person(dir / "keys/clerk-1.pub", bodycam::tests::clerk_and_supervisor);
    agency.enroll_person(dir / "keys/sup-1.pub", 4);
    agency.enroll_person(dir / "keys/clerk-2.pub", 2);
    root = agency.root_file();
  }
  [[nodiscard]] std::size_t objects() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& f : fs::directory_iterator(store_path + "/objects/sha256")) ++n;
    return n;
  }
  [[nodiscard]] bool has_entry(const std::string& name) const { return fs::exists(store_path + "/" + name); }
  [[nodiscard]] std::vector<std::string> as(const std::string& key, std::vector<std::string> a) const {
    a.insert(a.end(), {"--clerk-key", key, "--department", "records unit"});
    return a;
  }
};

}  // namespace

TEST_CASE("expiry by two people: the dry run alone deletes nothing; own approval and a non-supervisor are refused",
          "[e2e]") {
  expiry_setup t;
  const std::size_t before = t.objects();
  REQUIRE(before == 8);

  auto plain = run_bodycam(t.as(t.clerk_key, {"retention", "expire", t.store_path, "--reference", "policy"}));
  INFO(plain.out << plain.err);
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.out.find("dry run: 8 file(s) would expire; nothing deleted") != std::string::npos);
  CHECK(plain.out.find("--request") != std::string::npos);
  CHECK(t.objects() == before);
  CHECK_FALSE(t.has_entry("retention/clerk-1.0"));

  auto req = run_bodycam(t.as(t.clerk_key, {"retention", "expire", t.store_path, "--request", "--reference", "policy"}));
  INFO(req.out << req.err);
  REQUIRE(req.exit_code == 0);
  CHECK(req.out.find("requested:    retention/clerk-1.0 names the 8 file(s) above") != std::string::npos);
  CHECK(t.objects() == before);

  SECTION("the requester cannot approve their own request") {
    auto own = run_bodycam(t.as(t.clerk_key, {"approve", t.store_path, "retention/clerk-1.0"}));
    CHECK(own.exit_code == 3);
    CHECK(own.err.find("needs a second person's approval") != std::string::npos);
    CHECK_FALSE(t.has_entry("retention/clerk-1.1"));
  }
  SECTION("a clerk without the supervisor role cannot approve") {
    auto clerk = run_bodycam(t.as(t.plain_clerk_key, {"approve", t.store_path, "retention/clerk-1.0"}));
    CHECK(clerk.exit_code == 3);
    CHECK_FALSE(t.has_entry("retention/clerk-2.0"));
  }
  SECTION("nothing expires before the approval") {
    auto early = run_bodycam(t.as(t.clerk_key, {"retention", "expire", t.store_path, "--approved", "retention/clerk-1.0"}));
    CHECK(early.exit_code == 3);
    CHECK(early.err.find("pending, not approved") != std::string::npos);
    CHECK(t.objects() == before);
  }
  SECTION("the supervisor approves; only the requester expires") {
    auto ok = run_bodycam(t.as(t.sup_key, {"approve", t.store_path, "retention/clerk-1.0"}));
    INFO(ok.out << ok.err);
    REQUIRE(ok.exit_code == 0);
    CHECK(t.has_entry("retention/sup-1.0"));
    auto other =
        run_bodycam(t.as(t.plain_clerk_key, {"retention", "expire", t.store_path, "--approved", "retention/clerk-1.0"}));
    CHECK(other.exit_code == 3);
    CHECK(t.objects() == before);
    auto done = run_bodycam(t.as(t.clerk_key, {"retention", "expire", t.store_path, "--approved", "retention/clerk-1.0"}));
    INFO(done.out << done.err);
    REQUIRE(done.exit_code == 0);
    CHECK(done.out.find("expired 8 file(s) under retention/clerk-1.1 (request retention/clerk-1.0, approved by "
                        "sup-1)") != std::string::npos);
    CHECK(t.objects() == 0);
    auto audit = run_bodycam({"audit", t.store_path, "--root", t.root});
    INFO(audit.out);
    CHECK(audit.out.find("(expired under policy)") != std::string::npos);
    CHECK(audit.out.find("EXPIRY APPROVAL") == std::string::npos);
    CHECK(audit.out.find("NOT AUTHENTIC") == std::string::npos);  // the approval is a supervisor's signature
    CHECK(audit.exit_code == 1);  // authentic, the expired files a documented gap; not 2
  }
}

TEST_CASE("expiry by two people: a file added after the request is not expired", "[e2e]") {
  expiry_setup t;
  REQUIRE(
      run_bodycam(t.as(t.clerk_key, {"retention", "expire", t.store_path, "--request", "--reference", "policy"})).exit_code ==
      0);
  {
    auto s = store::open_directory_store(t.store_path, false).value();
    bodycam::tests::evidence_camera cam(s, "cam-0003", 3);
    bodycam::tests::record_shift(cam, 2, std::chrono::minutes(45));
  }
  REQUIRE(t.objects() == 12);
  REQUIRE(run_bodycam(t.as(t.sup_key, {"approve", t.store_path, "retention/clerk-1.0"})).exit_code == 0);
  auto done = run_bodycam(t.as(t.clerk_key, {"retention", "expire", t.store_path, "--approved", "retention/clerk-1.0"}));
  INFO(done.out << done.err);
  REQUIRE(done.exit_code == 0);
  CHECK(done.out.find("not in it:    4 due file(s) the request does not name stay") != std::string::npos);
  CHECK(done.out.find("expired 8 file(s)") != std::string::npos);
  CHECK(t.objects() == 4);
}

TEST_CASE("expiry by two people: a hold placed after the approval keeps its files", "[e2e]") {
  expiry_setup t;
  REQUIRE(
      run_bodycam(t.as(t.clerk_key, {"retention", "expire", t.store_path, "--request", "--reference", "policy"})).exit_code ==
      0);
  REQUIRE(run_bodycam(t.as(t.sup_key, {"approve", t.store_path, "retention/clerk-1.0"})).exit_code == 0);
  auto hold = run_bodycam(t.as(t.clerk_key, {"retention", "hold", t.store_path, "--reason", "evidence", "--device", "cam-0002",
                                     "--session", t.second_session.to_hex(), "--reference", "C-9"}));
  INFO(hold.out << hold.err);
  REQUIRE(hold.exit_code == 0);
  auto done = run_bodycam(t.as(t.clerk_key, {"retention", "expire", t.store_path, "--approved", "retention/clerk-1.0"}));
  INFO(done.out << done.err);
  REQUIRE(done.exit_code == 0);
  CHECK(done.out.find("kept:         4 file(s) of the request, because a hold placed since the request covers "
                      "them") != std::string::npos);
  CHECK(done.out.find("expired 4 file(s)") != std::string::npos);
  CHECK(t.objects() == 4);
}

TEST_CASE("the audit lists an expiry event without an approved request by another supervisor", "[e2e]") {
  expiry_setup t;
  {
    // What the old one-person `expire` wrote: an event naming no request.
    auto s = store::open_directory_store(t.store_path, false).value();
    auto clerk = bodycam::tools::verbs::load_clerk(t.clerk_key);
    REQUIRE(clerk);
    namespace reg = bodycam::tools::registers;
    reg::register_entry e;
    e.kind = reg::entry_kind::expiry;
    e.utc = bodycam::tools::verbs::utc_now();
    e.department = "records unit";
    e.reference = "policy";
    e.action = "retention 183 days";
    REQUIRE(reg::append_entry(s, store::entry_namespace::retention, clerk->id, std::move(e), *clerk->signer));
  }
  auto audit = run_bodycam({"audit", t.store_path, "--root", t.root});
  INFO(audit.out << audit.err);
  CHECK(audit.out.find("EXPIRY APPROVAL expiry_unapproved at retention/clerk-1.0") != std::string::npos);
}

TEST_CASE("hold release by two people: own approval and a non-supervisor refused; the approved release ends it",
          "[e2e]") {
  expiry_setup t;
  REQUIRE(run_bodycam(t.as(t.clerk_key, {"retention", "hold", t.store_path, "--reason", "evidence", "--device", "cam-0001",
                                 "--session", t.first_session.to_hex(), "--reference", "C-9"}))
              .exit_code == 0);
  auto asked = run_bodycam(t.as(
      t.clerk_key, {"retention", "release", t.store_path, "--hold", "retention/clerk-1.0", "--reference", "closed"}));
  INFO(asked.out << asked.err);
  REQUIRE(asked.exit_code == 0);
  CHECK(asked.out.find("requested:    retention/clerk-1.1 asks to release hold retention/clerk-1.0") !=
        std::string::npos);
  const auto dry = [&] { return run_bodycam({"retention", "expire", t.store_path, "--dry-run"}).out; };
  CHECK(dry().find("dry run: 4 file(s) would expire") != std::string::npos);  // the request releases nothing

  auto own = run_bodycam(t.as(t.clerk_key, {"approve", t.store_path, "retention/clerk-1.1"}));
  CHECK(own.exit_code == 3);
  CHECK(own.err.find("a hold release needs a second person's approval") != std::string::npos);
  CHECK(run_bodycam(t.as(t.plain_clerk_key, {"approve", t.store_path, "retention/clerk-1.1"})).exit_code == 3);
  CHECK_FALSE(t.has_entry("retention/clerk-2.0"));
  auto early = run_bodycam(t.as(t.clerk_key, {"retention", "release", t.store_path, "--approved", "retention/clerk-1.1"}));
  CHECK(early.exit_code == 3);
  CHECK(early.err.find("pending, not approved") != std::string::npos);
  CHECK(dry().find("dry run: 4 file(s) would expire") != std::string::npos);

  REQUIRE(run_bodycam(t.as(t.sup_key, {"approve", t.store_path, "retention/clerk-1.1"})).exit_code == 0);
  CHECK(run_bodycam(t.as(t.plain_clerk_key, {"retention", "release", t.store_path, "--approved", "retention/clerk-1.1"}))
            .exit_code == 3);  // only the requester
  auto done = run_bodycam(t.as(t.clerk_key, {"retention", "release", t.store_path, "--approved", "retention/clerk-1.1"}));
  INFO(done.out << done.err);
  REQUIRE(done.exit_code == 0);
  CHECK(done.out.find("hold retention/clerk-1.0 (evidence) released by retention/clerk-1.2 (request "
                      "retention/clerk-1.1, approved by sup-1)") != std::string::npos);
  CHECK(dry().find("dry run: 8 file(s) would expire") != std::string::npos);
  auto audit = run_bodycam({"audit", t.store_path, "--root", t.root});
  INFO(audit.out);
  CHECK(audit.out.find("RELEASE APPROVAL") == std::string::npos);
}

TEST_CASE("the audit lists a hold release without an approved request", "[e2e]") {
  expiry_setup t;
  REQUIRE(run_bodycam(t.as(t.clerk_key, {"retention", "hold", t.store_path, "--reason", "evidence", "--device", "cam-0001",
                                 "--session", t.first_session.to_hex(), "--reference", "C-9"}))
              .exit_code == 0);
  {
    // What the old one-person `release` wrote: the placer ends their own hold.
    auto s = store::open_directory_store(t.store_path, false).value();
    auto clerk = bodycam::tools::verbs::load_clerk(t.clerk_key);
    REQUIRE(clerk);
    namespace reg = bodycam::tools::registers;
    reg::register_entry e;
    e.kind = reg::entry_kind::hold;
    e.utc = bodycam::tools::verbs::utc_now();
    e.department = "records unit";
    e.reference = "closed";
    e.action = reg::release_action("clerk-1.0");
    REQUIRE(reg::append_entry(s, store::entry_namespace::retention, clerk->id, std::move(e), *clerk->signer));
  }
  auto audit = run_bodycam({"audit", t.store_path, "--root", t.root});
  INFO(audit.out << audit.err);
  CHECK(audit.out.find("RELEASE APPROVAL release_unapproved at retention/clerk-1.1") != std::string::npos);
}
