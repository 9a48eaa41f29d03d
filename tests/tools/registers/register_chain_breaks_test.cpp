// The register reader against chains broken on purpose, one attack per case, each stating the one finding it
// must produce (and that nothing else is flagged); and the retention register's own namespace rules.
#include "common/store/memory_backend.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tools/registers/register_book.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace register_chain_breaks_test {

using namespace bodycam::common;
namespace reg = bodycam::tools::registers;
using bodycam::tests::fixed_key;

namespace {

constexpr auto access_ns = store::entry_namespace::access;
constexpr auto retention_ns = store::entry_namespace::retention;

reg::register_entry draft_of(reg::entry_kind kind, const std::string& action) {
  reg::register_entry e;
  e.kind = kind;
  e.utc = record::utc_time(std::chrono::seconds(1'795'000'000));
  e.department = "records unit";
  e.reference = "CASE-7";
  e.action = action;
  reg::scope s;
  s.device = record::device_id::parse("cam-0001").value();
  e.scopes.push_back(s);
  return e;
}

// Signs `draft` as `clerk`'s entry `seq` after `prev` and stores it under the name it claims, bypassing
// append_entry, as an attacker with write access to the store would.
reg::signed_entry plant(store::store& s, store::entry_namespace ns, reg::register_entry draft, const std::string& clerk,
                        std::uint64_t seq, const crypto::sha256_digest& prev, crypto::signer& signer) {
  draft.clerk = clerk;
  draft.seq = seq;
  draft.prev_hash = prev;
  auto e = reg::sign_entry(std::move(draft), signer).value();
  REQUIRE(s.put_entry(ns, reg::entry_name(e.body), e.bytes));
  return e;
}

std::vector<std::string> codes(const store::store& s, store::entry_namespace ns) {
  const auto book = reg::read_register(s, ns).value();
  std::vector<std::string> out;
  for (const auto& f : book.findings) out.push_back(f.code + " " + f.entry);
  return out;
}

// clerk-1 with two honest access entries (seq 0 and 1), written the only sanctioned way.
struct two_entry_register {
  store::store s{std::make_unique<store::memory_backend>()};
  crypto::software_signer clerk{fixed_key(50)};
  crypto::software_signer other{fixed_key(60)};
  reg::signed_entry first = reg::append_entry(s, access_ns, "clerk-1", draft_of(reg::entry_kind::access, "export"),
                                              clerk).value();
  reg::signed_entry second = reg::append_entry(s, access_ns, "clerk-1",
                                               draft_of(reg::entry_kind::access, "playback_copy"), clerk).value();
};

}  // namespace

TEST_CASE("break_prev_hash: the next seq but a prev_hash that is not the entry before is found") {
  two_entry_register r;
  REQUIRE(codes(r.s, access_ns).empty());
  plant(r.s, access_ns, draft_of(reg::entry_kind::access, "export"), "clerk-1", 2, r.first.hash, r.clerk);
  CHECK(codes(r.s, access_ns) == std::vector<std::string>{"prev_hash_mismatch access/clerk-1.2"});
}

TEST_CASE("remove_first_entry: a chain that starts at seq 1 has a gap at its start") {
  two_entry_register r;
  REQUIRE(r.s.put_public_key({"clerk-3", r.other.public_key()}));
  plant(r.s, access_ns, draft_of(reg::entry_kind::access, "export"), "clerk-3", 1, r.first.hash, r.other);
  const auto found = codes(r.s, access_ns);
  CHECK(found == std::vector<std::string>{"seq_gap access/clerk-3.1"});
  const auto book = reg::read_register(r.s, access_ns).value();
  REQUIRE(book.findings.size() == 1);
  CHECK(book.findings[0].detail == "entries 0..1 of clerk-3 are missing");
}

TEST_CASE("flip_byte_in_signature: an entry under the enrolled key whose signature fails is bad_signature") {
  two_entry_register r;
  auto draft = draft_of(reg::entry_kind::access, "export");
  draft.clerk = "clerk-1";
  draft.seq = 2;
  draft.prev_hash = r.second.hash;
  auto e = reg::sign_entry(std::move(draft), r.clerk).value();
  e.bytes.back() ^= 0x01;
  REQUIRE(r.s.put_entry(access_ns, "clerk-1.2", e.bytes));
  CHECK(codes(r.s, access_ns) == std::vector<std::string>{"bad_signature access/clerk-1.2"});
}

TEST_CASE("unenrolled_clerk: entries of a clerk with no key in the store are unknown_clerk, each named") {
  two_entry_register r;
  const auto e0 = plant(r.s, access_ns, draft_of(reg::entry_kind::access, "export"), "clerk-9", 0, {}, r.other);
  plant(r.s, access_ns, draft_of(reg::entry_kind::access, "export"), "clerk-9", 1, e0.hash, r.other);
  CHECK(codes(r.s, access_ns) ==
        std::vector<std::string>{"unknown_clerk access/clerk-9.0", "unknown_clerk access/clerk-9.1"});
}

TEST_CASE("junk_under_an_entry_name: bytes that do not decode are malformed and skipped, not trusted") {
  two_entry_register r;
  const core::byte_buffer junk(200, 0x5a);
  REQUIRE(r.s.put_entry(access_ns, "clerk-1.2", junk));
  CHECK(codes(r.s, access_ns) == std::vector<std::string>{"malformed access/clerk-1.2"});
  const auto book = reg::read_register(r.s, access_ns).value();
  CHECK(book.entry_count() == 2);
}

TEST_CASE("hold_in_access_register: a correctly signed and chained hold stored in access/ is wrong_kind") {
  two_entry_register r;
  plant(r.s, access_ns, draft_of(reg::entry_kind::hold, "evidence"), "clerk-1", 2, r.second.hash, r.clerk);
  CHECK(codes(r.s, access_ns) == std::vector<std::string>{"wrong_kind access/clerk-1.2"});
}

TEST_CASE("the retention register chains holds and expiry events per clerk, apart from the access register") {
  two_entry_register r;
  const auto hold =
      reg::append_entry(r.s, retention_ns, "clerk-1", draft_of(reg::entry_kind::hold, "legal_hold"), r.clerk).value();
  const auto expiry =
      reg::append_entry(r.s, retention_ns, "clerk-1", draft_of(reg::entry_kind::expiry, "183 days"), r.clerk).value();
  CHECK(hold.body.seq == 0);  // its own chain: clerk-1's two access entries do not count here
  CHECK(hold.body.prev_hash == crypto::sha256_digest{});
  CHECK(expiry.body.seq == 1);
  CHECK(expiry.body.prev_hash == hold.hash);

  auto refused = reg::append_entry(r.s, retention_ns, "clerk-1", draft_of(reg::entry_kind::access, "export"), r.clerk);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::invalid_argument);
  CHECK_THAT(refused.error().context, Catch::Contains("retention register entry of clerk clerk-1"));

  const auto retention = reg::read_register(r.s, retention_ns).value();
  CHECK(retention.is_intact());
  CHECK(retention.entry_count() == 2);  // the refused access entry wrote nothing
  const auto access = reg::read_register(r.s, access_ns).value();
  CHECK(access.is_intact());
  CHECK(access.entry_count() == 2);

  SECTION("an access entry planted in retention/ is wrong_kind there") {
    plant(r.s, retention_ns, draft_of(reg::entry_kind::access, "export"), "clerk-1", 2, expiry.hash, r.clerk);
    CHECK(codes(r.s, retention_ns) == std::vector<std::string>{"wrong_kind retention/clerk-1.2"});
  }
}

}  // namespace register_chain_breaks_test
