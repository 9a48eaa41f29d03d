// The receipt document: golden bytes (spelled out field by field from docs/formats/receipt.md), round trip,
// and the attacks: a flipped bit anywhere, every truncation, a receipt signed by another dock, lies in the
// object count.
#include "common/receipt/receipt.hpp"

#include "common/core/hex.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common;
using bodycam::tests::fixed_key;

namespace {

receipt::receipt sample(const crypto::public_key& issuer_key) {
  receipt::receipt r;
  r.issuer = "dock-1";
  r.issuer_key = issuer_key;
  r.device = *record::device_id::parse("cam-7");
  r.first_seq = 3;
  r.end_seq = 10;
  r.head_hash.bytes.fill(0xAB);
  r.stored_utc = record::utc_time(record::nanoseconds(1'795'000'000'123'456'789));
  receipt::stored_object a;
  a.sha256.bytes.fill(0x11);
  a.byte_length = 1'000'000;
  receipt::stored_object b;
  b.sha256.bytes.fill(0x22);
  b.byte_length = 42;
  r.objects = {a, b};
  return r;
}

std::string repeat(std::string_view two_hex_digits, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += two_hex_digits;
  return out;
}

}  // namespace

TEST_CASE("receipt canonical bytes match the spec, field by field (golden)") {
  crypto::software_signer dock(fixed_key(9));
  const auto r = sample(dock.public_key());
  const std::string expected =
      "0001"                                   // version
      "0006" "646f636b2d31"                    // issuer "dock-1"
      + dock.public_key().to_hex() +           // issuer_key
      "0005" "63616d2d37"                      // device "cam-7"
      "0000000000000003"                       // first_seq
      "000000000000000a"                       // end_seq
      + repeat("ab", 32) +                     // head_hash
      "18e91efd632f4d15"                       // stored_utc_ns 1795000000123456789
      "00000002"                               // n
      + repeat("11", 32) + "00000000000f4240"  // object 1: sha256, byte_length 1000000
      + repeat("22", 32) + "000000000000002a"; // object 2
  CHECK(core::to_hex(receipt::canonical_bytes(r)) == expected);
  CHECK(receipt::store_name(r) == "cam-7.3-10");
}

TEST_CASE("receipt signature is stable (golden) and its domain is the receipt's") {
  crypto::software_signer dock(fixed_key(9));
  auto s = receipt::sign(sample(dock.public_key()), dock);
  REQUIRE(s.has_value());
  // Ed25519 is deterministic: this vector changes only if the format or the signing message changes.
  CHECK(crypto::sha256(s->document).to_hex() == std::string("10c239b9eea1be73fe8f66536b5872dd36c1bed62cdf9e6e1d7dddc48bfc87cc"));
  const auto canonical = receipt::canonical_bytes(s->body);
  CHECK(crypto::verify_signature(dock.public_key(), receipt::signing_message(canonical), s->sig));
  // Not a record signature over the same hash.
  CHECK_FALSE(crypto::verify_signature(dock.public_key(), record::signing_message(crypto::sha256(canonical)), s->sig));
}

TEST_CASE("a receipt signs, parses and verifies; the record payload cites the document") {
  crypto::software_signer dock(fixed_key(9));
  auto s = receipt::sign(sample(dock.public_key()), dock);
  REQUIRE(s.has_value());
  auto p = receipt::parse(s->document);
  REQUIRE(p.has_value());
  CHECK(p->body == s->body);
  CHECK(p->document == s->document);
  CHECK(receipt::verify_signature(*p));
  const auto payload = receipt::to_record_payload(*p);
  CHECK(payload.issuer == "dock-1");
  CHECK(payload.issuer_key == dock.public_key());
  CHECK(payload.covered_count == 10);
  CHECK(payload.receipt_sha256 == crypto::sha256(s->document));
}

TEST_CASE("flip_bit_in_receipt: every bit of the document breaks parse or signature") {
  crypto::software_signer dock(fixed_key(9));
  auto s = receipt::sign(sample(dock.public_key()), dock);
  REQUIRE(s.has_value());
  for (std::size_t i = 0; i < s->document.size(); ++i) {
    for (int bit = 0; bit < 8; bit += 3) {
      auto forged = s->document;
      forged[i] = static_cast<std::uint8_t>(forged[i] ^ (1U << bit));
      auto p = receipt::parse(forged);
      if (p) CHECK_FALSE(receipt::verify_signature(*p));
    }
  }
}

TEST_CASE("truncate_receipt: every prefix is refused as malformed") {
  crypto::software_signer dock(fixed_key(9));
  auto s = receipt::sign(sample(dock.public_key()), dock);
  REQUIRE(s.has_value());
  for (std::size_t n = 0; n < s->document.size(); ++n) {
    auto p = receipt::parse(core::byte_view(s->document).first(n));
    if (p) CHECK_FALSE(receipt::verify_signature(*p));  // a prefix can only parse if it drops object bytes
    else CHECK(p.error().code == core::errc::malformed);
  }
  auto longer = s->document;
  longer.push_back(0);
  auto p = receipt::parse(longer);
  if (p) CHECK_FALSE(receipt::verify_signature(*p));
}

TEST_CASE("rogue_dock_receipt: signed by a key other than issuer_key does not verify") {
  crypto::software_signer dock(fixed_key(9));
  crypto::software_signer rogue(fixed_key(10));
  // sign() refuses a signer whose key the receipt does not name.
  auto refused = receipt::sign(sample(dock.public_key()), rogue);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::invalid_argument);
  // A hand-made forgery: the dock's receipt body with the rogue's signature.
  auto good = receipt::sign(sample(dock.public_key()), dock);
  REQUIRE(good.has_value());
  auto canonical = receipt::canonical_bytes(good->body);
  auto sig = rogue.sign(receipt::signing_message(canonical));
  REQUIRE(sig.has_value());
  canonical.insert(canonical.end(), sig->bytes.begin(), sig->bytes.end());
  auto forged = receipt::parse(canonical);
  REQUIRE(forged.has_value());
  CHECK_FALSE(receipt::verify_signature(*forged));
}

TEST_CASE("receipt fields out of range are refused with the field named") {
  crypto::software_signer dock(fixed_key(9));
  auto r = sample(dock.public_key());
  r.end_seq = r.first_seq;
  auto empty_range = receipt::sign(r, dock);
  REQUIRE_FALSE(empty_range.has_value());
  CHECK(empty_range.error().context.find("first_seq") != std::string::npos);
  r = sample(dock.public_key());
  r.issuer = "../dock";
  auto bad_issuer = receipt::sign(r, dock);
  REQUIRE_FALSE(bad_issuer.has_value());
  CHECK(bad_issuer.error().context.find("receipt.issuer") != std::string::npos);

  // An object count that claims more than the bytes hold is refused before reading them.
  auto good = receipt::sign(sample(dock.public_key()), dock);
  REQUIRE(good.has_value());
  auto lie = good->document;
  const std::size_t count_at = lie.size() - 64 - 2 * 40 - 4;
  lie[count_at] = 0x7f;
  auto p = receipt::parse(lie);
  REQUIRE_FALSE(p.has_value());
  CHECK(p.error().context.find("receipt.object") != std::string::npos);
  // An unknown version is unsupported, not malformed.
  auto v2 = good->document;
  v2[1] = 2;
  auto pv = receipt::parse(v2);
  REQUIRE_FALSE(pv.has_value());
  CHECK(pv.error().code == core::errc::unsupported);
}
