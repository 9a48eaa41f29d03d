#include "common/record/record.hpp"
#include "common/record/record_json.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <random>
#include <set>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace record_test {

using namespace bodycam::common;
using bodycam::tests::chain_scenario;

namespace {
const char* every_kind =
    "boot precheck config start annotate seg seg interrupt recover stop resume action join mark leave timesync receipt "
    "reclaim rotate seg place place_lost photo";
}

TEST_CASE("every record kind round-trips: parse(encode(r)) re-encodes to the same bytes") {
  chain_scenario s("cam-1");
  s.run(every_kind);
  std::set<record::record_kind> kinds;
  for (const auto& r : s.records()) {
    auto parsed = record::parse_signed_record(r.bytes);
    REQUIRE(parsed.has_value());
    CHECK(parsed->hash == r.hash);
    CHECK(parsed->sig == r.sig);
    CHECK(record::encode_canonical(parsed->body) == core::byte_buffer(r.canonical().begin(), r.canonical().end()));
    CHECK(record::to_json(parsed->body) == record::to_json(r.body));
    kinds.insert(r.body.kind());
  }
  CHECK(kinds.size() == 19);  // every kind of DESIGN.md §3, session_resume, action, mark, officer, place, photo
}

TEST_CASE("decoding every truncation of every kind fails cleanly and names a field") {
  chain_scenario s("cam-1");
  s.run(every_kind);
  for (const auto& r : s.records()) {
    const auto canonical = r.canonical();
    for (std::size_t n = 0; n < canonical.size(); ++n) {
      auto d = record::decode_canonical(canonical.first(n));
      REQUIRE_FALSE(d.has_value());
      CHECK(d.error().code == core::errc::malformed);
      CHECK_FALSE(d.error().context.empty());
    }
  }
}

TEST_CASE("decoding names the field that is wrong") {
  chain_scenario s("cam-1");
  s.run("boot start seg");
  const auto& seg = s.records()[2];
  core::byte_buffer bytes(seg.canonical().begin(), seg.canonical().end());

  SECTION("unknown enum code in the payload") {
    // close_reason is the byte before the trailing u64 unsigned_tail_bytes.
    bytes[bytes.size() - 9] = 0x7f;
    auto d = record::decode_canonical(bytes);
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error().context == "field segment.close_reason: unknown code 127");
  }
  SECTION("trailing bytes after the payload") {
    bytes.push_back(0);
    auto d = record::decode_canonical(bytes);
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error().context.find("unexpected bytes after the payload") != std::string::npos);
  }
  SECTION("unknown format version is unsupported, not malformed") {
    bytes[5] = 2;
    auto d = record::decode_canonical(bytes);
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error().code == core::errc::unsupported);
    CHECK(d.error().context.find("version 2") != std::string::npos);
  }
  SECTION("bad magic") {
    bytes[0] = 'X';
    CHECK(record::decode_canonical(bytes).error().context.find("not a bodycam record") != std::string::npos);
  }
  SECTION("a list count larger than the record") {
    // tracks count sits right after fragment_root: find it by re-encoding with a known count.
    auto body = record::decode_canonical(bytes).value();
    auto& p = std::get<record::segment_payload>(body.body);
    p.tracks.clear();
    auto empty = record::encode_canonical(body);
    // The u32 count of tracks is 14 bytes from the end (count u32, close_reason u8, unsigned_tail u64 + 1).
    const std::size_t at = empty.size() - 13;
    REQUIRE(empty[at] == 0);
    empty[at] = 0x7f;  // count = 0x7f000000
    auto d = record::decode_canonical(empty);
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error().context.find("segment.tracks") != std::string::npos);
  }
}

TEST_CASE("random bytes never crash the decoder") {
  std::uint32_t state = 12345;
  for (int i = 0; i < 2000; ++i) {
    core::byte_buffer junk(static_cast<std::size_t>(i % 300));
    for (auto& b : junk) {
      state = state * 1664525u + 1013904223u;
      b = static_cast<std::uint8_t>(state >> 24);
    }
    if (i % 3 == 0 && junk.size() > 6) {  // make some start like a record to get deeper
      junk[0] = 'B', junk[1] = 'C', junk[2] = 'R', junk[3] = 'D', junk[4] = 0, junk[5] = 1;
    }
    auto d = record::parse_signed_record(junk);
    CHECK_FALSE(d.has_value());
  }
}

TEST_CASE("signature verifies under the signer's key only, and over the domain-separated hash") {
  chain_scenario s("cam-1");
  s.run("boot");
  const auto& r = s.records()[0];
  CHECK(record::verify_record_signature(r, s.first_key()));
  CHECK_FALSE(record::verify_record_signature(r, bodycam::tests::fixed_key(9).public_key()));
  // The signature is not a plain signature over the canonical bytes (domain separation).
  CHECK_FALSE(crypto::verify_signature(s.first_key(), r.canonical(), r.sig));
  CHECK(crypto::verify_signature(s.first_key(), record::signing_message(r.hash), r.sig));
}

TEST_CASE("action, mark and officer records with random bytes flipped: malformed, or decoded and re-encoded exactly") {
  chain_scenario s("cam-1");
  s.run("boot start action join mark leave stop");
  const std::uint32_t seed = std::random_device{}();
  std::printf("record_test: random flips, seed %u\n", seed);
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  int decoded = 0, refused = 0;
  for (const auto& r : s.records()) {
    const auto kind = r.body.kind();
    if (kind != record::record_kind::action && kind != record::record_kind::mark && kind != record::record_kind::officer)
      continue;
    const auto canonical = r.canonical();
    for (int round = 0; round < 500; ++round) {
      core::byte_buffer bytes(canonical.begin(), canonical.end());
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<std::uint8_t>(rng());
      auto d = record::decode_canonical(bytes);
      if (!d) {
        CHECK_FALSE(d.error().context.empty());
        ++refused;
        continue;
      }
      CHECK(record::encode_canonical(*d) == bytes);  // one encoding only: what decodes re-encodes identically
      ++decoded;
    }
  }
  CHECK(decoded + refused == 4 * 500);  // every round ran: action, join, mark, leave
  CHECK(refused > 0);
}

TEST_CASE("place records with random bytes flipped: malformed, or decoded and re-encoded exactly") {
  chain_scenario s("cam-1");
  s.run("boot start place seg place_lost stop");
  const std::uint32_t seed = std::random_device{}();
  std::printf("record_test: place random flips, seed %u\n", seed);
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  int decoded = 0, refused = 0;
  for (const auto& r : s.records()) {
    if (r.body.kind() != record::record_kind::place) continue;
    const auto canonical = r.canonical();
    for (int round = 0; round < 500; ++round) {
      core::byte_buffer bytes(canonical.begin(), canonical.end());
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<std::uint8_t>(rng());
      auto d = record::decode_canonical(bytes);
      if (!d) {
        CHECK_FALSE(d.error().context.empty());
        ++refused;
        continue;
      }
      CHECK(record::encode_canonical(*d) == bytes);
      ++decoded;
    }
  }
  CHECK(decoded + refused == 2 * 500);  // every round ran: the fix and the lost receiver
  CHECK(refused > 0);
}

}  // namespace record_test
