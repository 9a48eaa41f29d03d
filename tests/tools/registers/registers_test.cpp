// The clerks' registers (tools/registers): entries round-trip, are signed and chained per clerk, and every
// way a register can be wrong is named for the attack.
#include "common/core/hex.hpp"
#include "common/store/memory_backend.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tools/registers/register_book.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace registers_test {

using namespace bodycam::common;
namespace reg = bodycam::tools::registers;
using bodycam::tests::fixed_key;

namespace {

store::store memory_store() { return store::store(std::make_unique<store::memory_backend>()); }

reg::register_entry access_draft(const std::string& reference) {
  reg::register_entry e;
  e.kind = reg::entry_kind::access;
  e.utc = record::utc_time(std::chrono::seconds(1'795'000'000));
  e.department = "records unit";
  e.reference = reference;
  e.action = "export";
  reg::scope s;
  s.device = record::device_id::parse("cam-0001").value();
  s.first_seq = 3;
  s.end_seq = 9;
  e.scopes.push_back(s);
  e.objects.push_back({crypto::sha256("x"), 1});
  return e;
}

std::vector<std::string> codes(const reg::register_book& book) {
  std::vector<std::string> out;
  for (const auto& f : book.findings) out.push_back(f.code + " " + f.entry);
  return out;
}

}  // namespace

TEST_CASE("a register entry round-trips through its canonical bytes and verifies only under its signer") {
  crypto::software_signer clerk(fixed_key(50));
  auto draft = access_draft("CASE-2026-0042");
  draft.clerk = "clerk-1";
  auto signed_e = reg::sign_entry(draft, clerk).value();
  auto parsed = reg::parse_signed_entry(signed_e.bytes).value();
  CHECK(parsed.bytes == signed_e.bytes);
  CHECK(parsed.body.reference == "CASE-2026-0042");
  CHECK(parsed.body.scopes == draft.scopes);
  CHECK(parsed.body.objects == draft.objects);
  CHECK(reg::canonical_bytes(parsed.body) == core::byte_buffer(signed_e.bytes.begin(), signed_e.bytes.end() - 64));
  CHECK(reg::verify_entry_signature(parsed, clerk.public_key()));
  CHECK_FALSE(reg::verify_entry_signature(parsed, fixed_key(51).public_key()));
  SECTION("flip_byte_in_reference: the signature no longer verifies") {
    auto bytes = signed_e.bytes;
    bytes[40] ^= 0x01;
    auto tampered = reg::parse_signed_entry(bytes);
    if (tampered) CHECK_FALSE(reg::verify_entry_signature(*tampered, clerk.public_key()));
  }
  SECTION("truncated or extended bytes are malformed, naming the field") {
    for (std::size_t cut : {std::size_t{0}, std::size_t{10}, signed_e.bytes.size() - 65}) {
      auto e = reg::parse_signed_entry(core::byte_view(signed_e.bytes).first(cut));
      REQUIRE_FALSE(e.has_value());
      CHECK(e.error().code == core::errc::malformed);
    }
    auto longer = signed_e.bytes;
    longer.insert(longer.end() - 64, 0x00);
    CHECK_FALSE(reg::parse_signed_entry(longer).has_value());
  }
  SECTION("a huge scope count cannot make the parser allocate or read past the end") {
    auto bytes = signed_e.bytes;
    const std::size_t scope_count_at = 2 + 1 + 2 + 7 + 32 + 8 + 32 + 8 + 2 + 12 + 2 + 14 + 2 + 6;
    bytes[scope_count_at] = 0xff;
    CHECK_FALSE(reg::parse_signed_entry(bytes).has_value());
  }
}

TEST_CASE("append_entry chains a clerk's entries and read_register verifies the chain") {
  auto s = memory_store();
  crypto::software_signer clerk(fixed_key(50));
  crypto::software_signer other(fixed_key(60));
  const auto first = reg::append_entry(s, store::entry_namespace::access, "clerk-1", access_draft("A"), clerk).value();
  const auto second = reg::append_entry(s, store::entry_namespace::access, "clerk-1", access_draft("B"), clerk).value();
  REQUIRE(reg::append_entry(s, store::entry_namespace::access, "clerk-2", access_draft("C"), other));
  CHECK(first.body.seq == 0);
  CHECK(second.body.seq == 1);
  CHECK(second.body.prev_hash == first.hash);
  CHECK(s.get_public_key(record::device_id::parse("clerk-1").value()).value().key == clerk.public_key());

  auto book = reg::read_register(s, store::entry_namespace::access).value();
  CHECK(book.is_intact());
  CHECK(book.entry_count() == 3);
  REQUIRE(book.clerks.size() == 2);
  CHECK(book.clerks[0].entries[1].body.reference == "B");

  SECTION("another key under an enrolled clerk id is refused and writes nothing") {
    auto e = reg::append_entry(s, store::entry_namespace::access, "clerk-1", access_draft("D"), other);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == core::errc::conflict);
    CHECK(reg::read_register(s, store::entry_namespace::access).value().entry_count() == 3);
  }
  SECTION("a hold does not belong in the access register") {
    auto hold = access_draft("H");
    hold.kind = reg::entry_kind::hold;
    CHECK(reg::append_entry(s, store::entry_namespace::access, "clerk-1", hold, clerk).error().code ==
          core::errc::invalid_argument);
  }
  SECTION("remove_entry_from_chain: a gap in a clerk's chain is found") {
    auto skipped = access_draft("E");
    skipped.clerk = "clerk-1";
    skipped.seq = 3;
    skipped.prev_hash = second.hash;
    auto signed_e = reg::sign_entry(skipped, clerk).value();
    REQUIRE(s.put_entry(store::entry_namespace::access, "clerk-1.3", signed_e.bytes));
    CHECK(codes(reg::read_register(s, store::entry_namespace::access).value()) ==
          std::vector<std::string>{"seq_gap access/clerk-1.3"});
  }
  SECTION("forged_entry: signed by another key under a clerk's name") {
    auto forged = access_draft("F");
    forged.clerk = "clerk-1";
    forged.seq = 2;
    forged.prev_hash = second.hash;
    auto signed_e = reg::sign_entry(forged, other).value();
    REQUIRE(s.put_entry(store::entry_namespace::access, "clerk-1.2", signed_e.bytes));
    CHECK(codes(reg::read_register(s, store::entry_namespace::access).value()) ==
          std::vector<std::string>{"wrong_clerk_key access/clerk-1.2"});
  }
  SECTION("misfiled_entry and junk: named, not trusted") {
    REQUIRE(s.put_entry(store::entry_namespace::access, "clerk-1.2", first.bytes));
    REQUIRE(s.put_entry(store::entry_namespace::access, "junk", first.bytes));
    const auto found = codes(reg::read_register(s, store::entry_namespace::access).value());
    CHECK(std::find(found.begin(), found.end(), "misplaced access/clerk-1.2") != found.end());
    CHECK(std::find(found.begin(), found.end(), "misplaced access/junk") != found.end());
  }
}

// docs/formats/access-register.md §5: the golden entry. Any change to the encoding fails here.
TEST_CASE("golden vector: the documented access entry, byte for byte, and its forgeries") {
  crypto::software_signer clerk(fixed_key(50));
  auto draft = access_draft("CASE-2026-0042");
  draft.clerk = "clerk-1";
  const auto e = reg::sign_entry(draft, clerk).value();
  const std::string golden =
      "0001010007636c65726b2d315e212c0980e4b39fc09721134aa02109374edfd260c0d3d03cb501c8d65457a9000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000018e91efd5bd38000000c7265636f7264"
      "7320756e6974000e434153452d323032362d3030343200066578706f727400000001000863616d2d30303031000000000000"
      "000000000000000000000000000000000000000000000000000000000000000000030000000000000009000000012d711642"
      "b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a488100000000000000010d8e936cc4f350aa4e3c8c4af12c"
      "ed2f99ad0971820e2b001e2dc0738e471b0960c50b7d5770aff2dc325c8a9f6ba5e7a06ff483b5e808ffdf1be4f8f445ad09";
  CHECK(core::to_hex(e.bytes) == golden);
  const auto parsed = reg::parse_signed_entry(core::parse_hex(golden, golden.size() / 2, "golden").value()).value();
  CHECK(reg::verify_entry_signature(parsed, clerk.public_key()));
  CHECK(reg::entry_name(parsed.body) == "clerk-1.0");
  CHECK(parsed.hash.to_hex() == crypto::sha256(core::byte_view(e.bytes).first(e.bytes.size() - 64)).to_hex());
  SECTION("forged: the same bytes with a changed seq do not verify") {
    auto bytes = e.bytes;
    bytes[2 + 1 + 2 + 7 + 32 + 7] = 1;  // seq = 1
    CHECK_FALSE(reg::verify_entry_signature(reg::parse_signed_entry(bytes).value(), clerk.public_key()));
  }
}

}  // namespace registers_test
