// The authorization table (tools/enrollment/authorization_table.hpp), row by row, edge by edge: who may sign
// what and when, with the reason when not. Entries are built in memory; the table is pure.
#include "tools/enrollment/authorization_table.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace authorization_table_test {

namespace en = bodycam::tools::enrollment;
namespace crypto = bodycam::common::crypto;
namespace record = bodycam::common::record;
using namespace std::chrono_literals;
using en::signature_kind;

namespace {

crypto::public_key key_of(std::uint8_t n) {
  crypto::public_key k;
  k.bytes.fill(n);
  return k;
}

record::utc_time at(int hour) { return record::utc_time(std::chrono::hours(24 * 365 * 56 + hour)); }

struct book {
  crypto::public_key root = key_of(0xee);
  std::vector<en::enrollment_entry> entries;

  en::enrollment_entry& enroll(en::subject_kind kind, std::string subject, crypto::public_key key, std::uint8_t roles,
                               int from, int until = -1, crypto::public_key signer = key_of(0xee), int signed_at = 0) {
    en::enrollment_entry e;
    e.seq = entries.size();
    e.signer = signer;
    e.utc = at(signed_at);
    e.kind = kind;
    e.subject = std::move(subject);
    e.subject_key = key;
    e.roles = roles;
    e.valid_from = at(from);
    if (until >= 0) e.valid_until = at(until);
    entries.push_back(e);
    return entries.back();
  }
  void revoke(std::uint64_t seq, int from, crypto::public_key signer = key_of(0xee), int signed_at = 0) {
    en::enrollment_entry e;
    e.seq = entries.size();
    e.signer = signer;
    e.utc = at(signed_at);
    e.action = en::entry_action::revoke;
    e.revokes_seq = seq;
    e.valid_from = at(from);
    e.reason = "lost";
    entries.push_back(e);
  }
  [[nodiscard]] en::authorization_table table(std::vector<en::rejected_entry>* rejected = nullptr) const {
    return en::authorization_table::build(root, entries, rejected);
  }
};

constexpr auto r = [](en::role x) { return static_cast<std::uint8_t>(x); };

}  // namespace

TEST_CASE("authorization table: every row allows its kind and no other") {
  book b;
  b.enroll(en::subject_kind::camera, "cam-1", key_of(1), 0, 0);
  b.enroll(en::subject_kind::dock, "dock-1", key_of(2), 0, 0);
  b.enroll(en::subject_kind::witness, "office-b", key_of(3), 0, 0);
  b.enroll(en::subject_kind::person, "clerk-1", key_of(4), r(en::role::clerk), 0);
  b.enroll(en::subject_kind::person, "sup-1", key_of(5), r(en::role::supervisor), 0);
  b.enroll(en::subject_kind::person, "admin-1", key_of(6), r(en::role::admin), 0);
  b.enroll(en::subject_kind::person, "officer-1", key_of(7), r(en::role::officer) | r(en::role::auditor), 0);
  const auto t = b.table();
  using k = signature_kind;
  const std::vector<k> kinds{k::record, k::receipt, k::access_entry, k::retention_entry, k::approval, k::enrollment,
                             k::cosignature};
  const std::vector<std::pair<std::uint8_t, std::vector<k>>> rows{
      {1, {k::record}},
      {2, {k::receipt}},
      {3, {k::cosignature}},
      {4, {k::access_entry, k::retention_entry}},
      {5, {k::access_entry, k::retention_entry, k::approval}},
      {6, {k::enrollment}},
      {7, {}},
  };
  for (const auto& [n, allowed] : rows)
    for (auto kind : kinds) {
      const bool expect = std::find(allowed.begin(), allowed.end(), kind) != allowed.end();
      INFO("key " << int(n) << " signing " << en::to_string(kind));
      const auto d = t.may_sign(key_of(n), kind, at(1));
      CHECK(d.allowed == expect);
      if (!expect) CHECK_THAT(d.reason, Catch::Contains("may not sign") && Catch::Contains("only"));
      if (expect) CHECK(d.reason.empty());
    }
  CHECK(t.may_sign(b.root, k::enrollment, at(1)).allowed);
  CHECK_FALSE(t.may_sign(b.root, k::record, at(1)).allowed);  // the root enrolls; it signs nothing else
  const auto stranger = t.may_sign(key_of(99), k::access_entry, at(1));
  CHECK_FALSE(stranger.allowed);
  CHECK_THAT(stranger.reason, Catch::Contains("is not in the enrollment register"));
  // officer_in_force: only the officer (key 7), naming them; the audit limits them to their own sessions.
  for (int n = 1; n <= 7; ++n) {
    INFO("key " << n);
    const auto d = t.officer_in_force(key_of(static_cast<std::uint8_t>(n)), at(1));
    CHECK(d.allowed == (n == 7));
    if (n == 7) CHECK(d.subject == "officer-1");
    if (n != 7) CHECK_THAT(d.reason, Catch::Contains("is not an officer's in force"));
  }
}

TEST_CASE("authorization table: validity edges — from is inclusive, until is exclusive") {
  book b;
  b.enroll(en::subject_kind::dock, "dock-1", key_of(2), 0, 10, 20);
  const auto t = b.table();
  CHECK_FALSE(t.may_sign(key_of(2), signature_kind::receipt, at(10) - 1ns).allowed);
  CHECK_THAT(t.may_sign(key_of(2), signature_kind::receipt, at(9)).reason, Catch::Contains("is not valid before"));
  CHECK(t.may_sign(key_of(2), signature_kind::receipt, at(10)).allowed);
  CHECK(t.may_sign(key_of(2), signature_kind::receipt, at(20) - 1ns).allowed);
  const auto after = t.may_sign(key_of(2), signature_kind::receipt, at(20));
  CHECK_FALSE(after.allowed);
  CHECK_THAT(after.reason, Catch::Contains("valid until"));
}

TEST_CASE("authorization table: revoked_key_used_after_revocation — before counts, after does not") {
  book b;
  b.enroll(en::subject_kind::person, "clerk-1", key_of(4), r(en::role::clerk), 0);
  b.revoke(0, 30, b.root, 40);  // signed at hour 40, effective from hour 30 (the key was lost then)
  std::vector<en::rejected_entry> rejected;
  const auto t = b.table(&rejected);
  CHECK(rejected.empty());
  CHECK(t.may_sign(key_of(4), signature_kind::access_entry, at(29)).allowed);
  const auto d = t.may_sign(key_of(4), signature_kind::access_entry, at(30));
  CHECK_FALSE(d.allowed);
  CHECK_THAT(d.reason, Catch::Contains("revoked by entry 1 (lost)"));
  CHECK_FALSE(t.may_sign(key_of(4), signature_kind::access_entry, at(35)).allowed);
}

TEST_CASE("authorization table: rotation — the new key from its start, the old key only before it") {
  book b;
  b.enroll(en::subject_kind::person, "clerk-1", key_of(4), r(en::role::clerk), 0);
  b.enroll(en::subject_kind::person, "clerk-1", key_of(14), r(en::role::clerk), 50, -1, b.root, 50);
  const auto t = b.table();
  CHECK(t.may_sign(key_of(4), signature_kind::access_entry, at(49)).allowed);  // old signatures stay valid
  const auto old_after = t.may_sign(key_of(4), signature_kind::access_entry, at(50));
  CHECK_FALSE(old_after.allowed);
  CHECK_THAT(old_after.reason, Catch::Contains("rotated to a new key by entry 1"));
  CHECK_FALSE(t.may_sign(key_of(14), signature_kind::access_entry, at(49)).allowed);
  CHECK(t.may_sign(key_of(14), signature_kind::access_entry, at(50)).allowed);
  CHECK(t.may_sign(key_of(14), signature_kind::access_entry, at(50)).subject == "clerk-1");
}

TEST_CASE("authorization table: delegation — an admin's enrollments count while the admin is in force") {
  book b;
  b.enroll(en::subject_kind::person, "admin-1", key_of(6), r(en::role::admin), 0);
  b.enroll(en::subject_kind::dock, "dock-1", key_of(2), 0, 5, -1, key_of(6), 5);  // by the admin
  std::vector<en::rejected_entry> rejected;
  const auto t = b.table(&rejected);
  CHECK(rejected.empty());
  CHECK(t.may_sign(key_of(2), signature_kind::receipt, at(6)).allowed);
}

TEST_CASE("authorization table: admin_revoked — entries the admin signs after the revocation do not count") {
  book b;
  b.enroll(en::subject_kind::person, "admin-1", key_of(6), r(en::role::admin), 0);
  b.enroll(en::subject_kind::dock, "dock-1", key_of(2), 0, 5, -1, key_of(6), 5);   // before: counts
  b.revoke(0, 10, b.root, 10);                                                     // admin revoked at 10
  b.enroll(en::subject_kind::dock, "dock-2", key_of(3), 0, 11, -1, key_of(6), 11);  // after: does not
  std::vector<en::rejected_entry> rejected;
  const auto t = b.table(&rejected);
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].seq == 3);
  CHECK(rejected[0].code == "unauthorized_signer");
  CHECK(t.may_sign(key_of(2), signature_kind::receipt, at(12)).allowed);
  CHECK_FALSE(t.may_sign(key_of(3), signature_kind::receipt, at(12)).allowed);
  CHECK_FALSE(t.may_sign(key_of(6), signature_kind::enrollment, at(10)).allowed);
}

TEST_CASE("authorization table: admin_revoked_backdated — a revocation effective earlier drops what came between") {
  book b;
  b.enroll(en::subject_kind::person, "admin-1", key_of(6), r(en::role::admin), 0);
  b.enroll(en::subject_kind::person, "clerk-x", key_of(9), r(en::role::clerk), 20, -1, key_of(6), 20);
  b.revoke(0, 10, b.root, 30);  // signed at 30, effective from 10: the admin's entry at 20 no longer counts
  std::vector<en::rejected_entry> rejected;
  const auto t = b.table(&rejected);
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].seq == 1);
  CHECK_FALSE(t.may_sign(key_of(9), signature_kind::access_entry, at(25)).allowed);
}

TEST_CASE("authorization table: self_enrolled_clerk — a key enrolling itself counts for nothing") {
  book b;
  b.enroll(en::subject_kind::person, "clerk-1", key_of(4), r(en::role::clerk) | r(en::role::admin), 0, -1, key_of(4), 0);
  std::vector<en::rejected_entry> rejected;
  const auto t = b.table(&rejected);
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].code == "unauthorized_signer");
  CHECK_FALSE(t.may_sign(key_of(4), signature_kind::access_entry, at(1)).allowed);
  CHECK(t.grants().empty());
}

TEST_CASE("authorization table: a revocation of an entry that does not count is rejected") {
  book b;
  b.revoke(0, 1);
  std::vector<en::rejected_entry> rejected;
  (void)b.table(&rejected);
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].code == "unknown_revoked_entry");
}

TEST_CASE("note: a clerk may note any session, an officer only a session they wore the camera for or joined (A4)") {
  book b;
  b.enroll(en::subject_kind::camera, "cam-1", key_of(1), 0, 0).unit = "north";
  b.enroll(en::subject_kind::camera, "cam-2", key_of(2), 0, 0).unit = "south";
  b.enroll(en::subject_kind::person, "officer-1", key_of(3), r(en::role::officer), 0, 10).unit = "north";
  b.enroll(en::subject_kind::person, "clerk-1", key_of(4), r(en::role::clerk), 0).unit = "records";
  b.enroll(en::subject_kind::person, "auditor-1", key_of(5), r(en::role::auditor), 0).unit = "north";
  b.enroll(en::subject_kind::person, "officer-2", key_of(6), r(en::role::officer), 0);  // no unit
  const auto t = b.table();
  const std::vector<std::string> worn_by_1{"officer-1"};
  const std::vector<std::string> joined_by_1{"officer-2", "officer-1"};
  const std::vector<std::string> of_2_only{"officer-2"};
  const std::vector<std::string> nobody;
  CHECK(t.may_sign(key_of(3), signature_kind::note, at(5)).allowed);
  CHECK(t.may_note(key_of(3), "cam-1", "s1", &worn_by_1, at(5)).allowed);
  CHECK(t.may_note(key_of(3), "cam-2", "s2", &joined_by_1, at(5)).allowed);  // another unit's camera, joined
  const auto not_own = t.may_note(key_of(3), "cam-1", "s3", &of_2_only, at(5));  // the unit's camera, not theirs
  CHECK_FALSE(not_own.allowed);
  CHECK_THAT(not_own.reason, Catch::Contains("neither wore the camera nor joined the session"));
  CHECK_THAT(not_own.reason, Catch::Contains("session s3 of camera cam-1"));
  const auto unknown = t.may_note(key_of(3), "cam-1", "s4", nullptr, at(5));
  CHECK_FALSE(unknown.allowed);
  CHECK_THAT(unknown.reason, Catch::Contains("records are not in the store"));
  CHECK_FALSE(t.may_note(key_of(3), "cam-1", "s5", &nobody, at(5)).allowed);
  CHECK(t.may_note(key_of(6), "cam-2", "s6", &of_2_only, at(5)).allowed);  // an officer of no unit, their own
  CHECK(t.may_note(key_of(4), "cam-2", "s3", &of_2_only, at(5)).allowed);
  CHECK(t.may_note(key_of(4), "cam-unknown", "s4", nullptr, at(5)).allowed);
  const auto auditor = t.may_note(key_of(5), "cam-1", "s1", &worn_by_1, at(5));
  CHECK_FALSE(auditor.allowed);
  CHECK_THAT(auditor.reason, Catch::Contains("may not sign a note"));
  CHECK(t.may_note(key_of(3), "cam-1", "s1", &worn_by_1, at(9)).allowed);
  CHECK_FALSE(t.may_note(key_of(3), "cam-1", "s1", &worn_by_1, at(10)).allowed);  // the officer's grant ended
  CHECK_FALSE(t.may_note(key_of(9), "cam-1", "s1", &worn_by_1, at(5)).allowed);  // not enrolled at all
  CHECK(en::is_session_officer(joined_by_1, "officer-1"));
  CHECK_FALSE(en::is_session_officer(joined_by_1, "officer-3"));
  CHECK_FALSE(en::is_session_officer(std::vector<std::string>{""}, ""));
}

}  // namespace authorization_table_test
