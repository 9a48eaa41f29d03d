// The place record (kind 18): golden bytes for a 3d fix and a lost receiver, their parse and signature
// check, forged and cut variants, and the words every report uses for a place.
// The vectors are printed in docs/formats/chain.md §7 and continue the golden chain after the officer record.
#include "common/core/hex.hpp"
#include "common/record/place_text.hpp"
#include "common/record/record.hpp"
#include "tests/common/record/golden_vectors.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace place_record_test {

using namespace bodycam::common;
namespace golden = bodycam::tests::golden;

namespace {

// SHA-256 of the golden officer record (seq 5), the record these follow.
const char* golden_officer_hash = "1a51f3a9625bcba214f86ead6efcfb4f2da03e75ad099ec203d61d51ba65914e";

// Hash: c2d0113c0eb2268160e5fdfae7e61c3bb9fca28ccf0ec2ca4ee77fa0bf5c283d.
const char* golden_place_canonical =
    "4243524400010012000863616d2d3030303100000000000000061a51f3a9625bcba214f86ead6efcfb4f2da03e75ad09"
    "9ec203d61d51ba65914e0000000200000009502f900018fae30ae3dca20001000000000000000000000000000007d000"
    "000039abababababababababababababababab0102000000001cb127600000000006e647f8000000000007eb58010000"
    "106818fae30aa841d8000000";
const char* golden_place_signature =
    "7f3321ae9fbb0d79b8c9a5ff86bd999bdc0ad310cbaa46c0fe91c1f797628e582bafff7f1cb87aaea33e7fcba4bb45e8"
    "b35c3bc602187cd7883d714f4bb95b09";
// Hash: 9563d36b82d48556faefe6a0b01b360f61c1d84d89635f755fedf69d01591cde.
const char* golden_place_lost_canonical =
    "4243524400010012000863616d2d303030310000000000000007c2d0113c0eb2268160e5fdfae7e61c3bb9fca28ccf0e"
    "c2ca4ee77fa0bf5c283d000000020000000ba43b740018fae30d37e8860001000000000000000000000000000007d000"
    "000060abababababababababababababababab0500000000000000000000000000000000000000000000000000000000"
    "00000000000000000000002767707364203132372e302e302e313a323934373a20636f6e6e656374696f6e2072656675"
    "736564";
const char* golden_place_lost_signature =
    "3289bd8f72cc37cabd0ecda2fe8379a79530ac7085037761e3b522e577d705569afd5bffc532221f54b6fc890ab4728e"
    "baae81f55f716813b2e92b92ceea960c";

record::record golden_place_record(std::uint64_t seq, const crypto::sha256_digest& prev, std::chrono::seconds monotonic,
                                   record::place_payload body) {
  record::record r;
  r.device = record::device_id::parse("cam-0001").value();
  r.seq = seq;
  r.prev_hash = prev;
  r.boot_counter = 2;
  r.monotonic = monotonic;
  r.utc = {record::utc_time(std::chrono::seconds(1'800'000'597) + monotonic), record::utc_source::rtc_only,
           std::chrono::milliseconds(0), std::chrono::seconds(2)};
  r.body = std::move(body);
  return r;
}

struct place_pair {
  record::signed_record fix, lost;
};

place_pair sign_place_pair() {
  crypto::software_signer signer(bodycam::tests::fixed_key(1));
  const auto officer_hash = crypto::sha256_digest::parse(golden_officer_hash).value();
  // Munich, Marienplatz: 48.1372° N 11.5755° E, 519 m, ±4.2 m, fix taken 1 s before the record.
  record::place_payload fix{golden::session(), record::place_trigger::segment, record::fix_quality::fix_3d,
                            481'372'000, 115'755'000, 519'000, true, 4'200,
                            record::utc_time(std::chrono::seconds(1'800'000'636)), ""};
  auto signed_fix = record::sign_record(golden_place_record(6, officer_hash, std::chrono::seconds(40), fix), signer).value();
  record::place_payload lost{golden::session(), record::place_trigger::source_lost, record::fix_quality::none, 0, 0, 0,
                             false, 0, record::utc_time{}, "gpsd 127.0.0.1:2947: connection refused"};
  auto signed_lost =
      record::sign_record(golden_place_record(7, signed_fix.hash, std::chrono::seconds(50), lost), signer).value();
  return {signed_fix, signed_lost};
}

}  // namespace

TEST_CASE("golden vectors: place records (kind 18) encode and sign to fixed bytes") {
  const auto pair = sign_place_pair();
  INFO("fix canonical " << core::to_hex(pair.fix.canonical()) << " sig " << pair.fix.sig.to_hex() << " hash "
                        << pair.fix.hash.to_hex());
  INFO("lost canonical " << core::to_hex(pair.lost.canonical()) << " sig " << pair.lost.sig.to_hex() << " hash "
                         << pair.lost.hash.to_hex());
  CHECK(core::to_hex(pair.fix.canonical()) == golden_place_canonical);
  CHECK(pair.fix.sig.to_hex() == golden_place_signature);
  CHECK(core::to_hex(pair.lost.canonical()) == golden_place_lost_canonical);
  CHECK(pair.lost.sig.to_hex() == golden_place_lost_signature);
  CHECK(pair.lost.body.prev_hash == pair.fix.hash);
}

TEST_CASE("golden vectors: the stored place bytes parse back and verify; forged, unknown and cut ones do not") {
  const auto key = crypto::public_key::parse(golden::public_key).value();
  const auto fix = golden::bytes(golden_place_canonical, golden_place_signature);
  const auto lost = golden::bytes(golden_place_lost_canonical, golden_place_lost_signature);

  auto f = record::parse_signed_record(fix);
  REQUIRE(f.has_value());
  CHECK(record::verify_record_signature(*f, key));
  REQUIRE(f->body.kind() == record::record_kind::place);
  const auto& p = std::get<record::place_payload>(f->body.body);
  CHECK(p.fix == record::fix_quality::fix_3d);
  CHECK(p.latitude_e7 == 481'372'000);
  CHECK(p.longitude_e7 == 115'755'000);
  CHECK(p.altitude_mm == 519'000);
  CHECK(p.horizontal_accuracy_known);
  CHECK(p.horizontal_accuracy_mm == 4'200);
  CHECK(p.gnss_utc == record::utc_time(std::chrono::seconds(1'800'000'636)));

  auto l = record::parse_signed_record(lost);
  REQUIRE(l.has_value());
  CHECK(record::verify_record_signature(*l, key));
  const auto& q = std::get<record::place_payload>(l->body.body);
  CHECK(q.trigger == record::place_trigger::source_lost);
  CHECK(q.fix == record::fix_quality::none);
  CHECK(q.detail == "gpsd 127.0.0.1:2947: connection refused");

  // Payload layout (docs/formats/chain.md §4): session 16, trigger 1, fix 1, then latitude_e7 at offset 18.
  const std::size_t header = fix.size() - 64 - (16 + 1 + 1 + 8 + 8 + 8 + 1 + 4 + 8 + 2);
  SECTION("forged: the latitude moved by 1e-7 degree") {
    auto forged = fix;
    forged[header + 18 + 7] ^= 0x01;
    auto moved = record::parse_signed_record(forged);
    REQUIRE(moved.has_value());
    CHECK(std::get<record::place_payload>(moved->body.body).latitude_e7 == 481'372'001);
    CHECK_FALSE(record::verify_record_signature(*moved, key));
  }
  SECTION("forged: a lost fix turned into a 3d fix") {
    auto forged = lost;
    const std::size_t lost_header = lost.size() - 64 - (16 + 1 + 1 + 8 + 8 + 8 + 1 + 4 + 8 + 2 + q.detail.size());
    REQUIRE(forged[lost_header + 17] == 0);
    forged[lost_header + 17] = 2;
    auto p2 = record::parse_signed_record(forged);
    REQUIRE(p2.has_value());
    CHECK_FALSE(record::verify_record_signature(*p2, key));
  }
  SECTION("malformed: a fix quality or trigger code that does not exist") {
    auto bad = fix;
    bad[header + 17] = 3;
    auto p3 = record::parse_signed_record(bad);
    REQUIRE_FALSE(p3.has_value());
    CHECK(p3.error().context == "field place.fix: unknown code 3");
    bad = fix;
    bad[header + 16] = 6;
    auto p4 = record::parse_signed_record(bad);
    REQUIRE_FALSE(p4.has_value());
    CHECK(p4.error().context == "field place.trigger: unknown code 6");
  }
  SECTION("malformed: horizontal_accuracy_known is a boolean") {
    auto bad = fix;
    bad[header + 42] = 2;
    auto p5 = record::parse_signed_record(bad);
    REQUIRE_FALSE(p5.has_value());
    CHECK(p5.error().context == "field place.horizontal_accuracy_known: boolean must be 0 or 1, got 2");
  }
  SECTION("every truncation of each is malformed") {
    std::size_t cut = 0;
    for (const auto* bytes : {&fix, &lost})
      for (std::size_t n = 0; n < bytes->size(); ++n) {
        auto cut_record = record::parse_signed_record(core::byte_view(bytes->data(), n));
        REQUIRE_FALSE(cut_record.has_value());
        CHECK(cut_record.error().code == core::errc::malformed);
        ++cut;
      }
    CHECK(cut == fix.size() + lost.size());
  }
}

TEST_CASE("a place in words: hemispheres, seven decimals, accuracy and altitude as known, no fix as such") {
  record::place_payload p;
  p.fix = record::fix_quality::fix_3d;
  p.latitude_e7 = 481'372'000;
  p.longitude_e7 = 115'755'000;
  p.altitude_mm = 519'000;
  p.horizontal_accuracy_known = true;
  p.horizontal_accuracy_mm = 4'200;
  p.trigger = record::place_trigger::interval;
  CHECK(record::place_text(p) == "48.1372000 N 11.5755000 E, 3d, ±4.2 m, alt 519.0 m (interval)");
  p.fix = record::fix_quality::fix_2d;
  p.latitude_e7 = -338'567'800;
  p.longitude_e7 = -1'512'153'000;
  p.horizontal_accuracy_known = false;
  CHECK(record::place_text(p) == "33.8567800 S 151.2153000 W, 2d (interval)");
  p.fix = record::fix_quality::none;
  p.trigger = record::place_trigger::source_lost;
  p.detail = "gpsd gone";
  CHECK(record::place_text(p) == "no fix (source_lost): gpsd gone");
  CHECK(record::place_position_text(record::fix_quality::none, 5, 5) == "no fix");
}

}  // namespace place_record_test
