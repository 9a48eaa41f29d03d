// Golden vectors of the `photo` record (kind 19): fixed key, fixed record, exact bytes, printed in
// docs/formats/chain.md §7 so a verifier in another language can test itself. Forged, truncated and
// malformed copies must not pass.
#include "common/core/hex.hpp"
#include "common/record/record.hpp"
#include "tests/support/chain_scenario.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace golden_photo_test {

using namespace bodycam::common;

namespace {

// Record 8 of the golden chain: it follows the place record 7 in the resumed run (boot 2, rtc_only UTC,
// error bound 2 s), so one verifier walks records 0–8 as one chain.
record::record golden_photo() {
  record::record r;
  r.device = record::device_id::parse("cam-0001").value();
  r.seq = 8;
  r.prev_hash = crypto::sha256_digest::parse("9563d36b82d48556faefe6a0b01b360f61c1d84d89635f755fedf69d01591cde").value();
  r.boot_counter = 2;
  r.monotonic = std::chrono::seconds(60);
  r.utc = {record::utc_time(std::chrono::seconds(1'800'000'657)), record::utc_source::rtc_only,
           std::chrono::milliseconds(0), std::chrono::seconds(2)};
  record::photo_payload p;
  p.session.bytes.fill(0xab);
  p.file_name = "abababababababababababababababab-photo-b2-39500.jpg";
  p.byte_length = 84'213;
  p.file_sha256 = crypto::sha256(std::string_view("photo"));
  p.width = 1280;
  p.height = 720;
  p.time_base_num = 1;
  p.time_base_den = 30;
  p.pts = 1185;
  p.captured_utc = record::utc_time(std::chrono::milliseconds(1'800'000'656'500));
  r.body = p;
  return r;
}

// Hash: see docs/formats/chain.md §7.
const char* golden_photo_canonical =
    "4243524400010013000863616d2d3030303100000000000000089563d36b82d48556faefe6a0b01b360f61c1d84d8963"
    "5f755fedf69d01591cde000000020000000df847580018fae30f8bf46a0001000000000000000000000000000007d000"
    "00008dabababababababababababababababab0033616261626162616261626162616261626162616261626162616261"
    "62616261622d70686f746f2d62322d33393530302e6a706700000000000148f555c64d0fcd6f9d5f7c828093857e3fdf"
    "da68478bb4e9bd24d481ef391c7804e800000500000002d0000000010000001e00000000000004a118fae30f6e270500";
const char* golden_photo_signature =
    "9edbaf48e7aeaa5cd9301598c2ec875a8c6454a23e0d6e4b831d97924160df107d505712dcae23abcbc84132108182f0"
    "e2b917e3f5ccde0c66d0423524816c0f";

core::byte_buffer golden_bytes() {
  const std::string hex = std::string(golden_photo_canonical) + golden_photo_signature;
  return core::parse_hex(hex, hex.size() / 2, "golden photo").value();
}

}  // namespace

TEST_CASE("golden vectors: a photo record (kind 19) encodes and signs to fixed bytes") {
  crypto::software_signer signer(bodycam::tests::fixed_key(1));
  auto photo = record::sign_record(golden_photo(), signer).value();
  INFO("canonical " << core::to_hex(photo.canonical()));
  INFO("signature " << photo.sig.to_hex());
  CHECK(core::to_hex(photo.canonical()) == golden_photo_canonical);
  CHECK(photo.sig.to_hex() == golden_photo_signature);
}

TEST_CASE("golden vectors: the stored photo record parses and verifies; forged and truncated ones do not") {
  const auto key = bodycam::tests::fixed_key(1).public_key();
  const auto bytes = golden_bytes();
  auto parsed = record::parse_signed_record(bytes);
  REQUIRE(parsed.has_value());
  CHECK(record::verify_record_signature(*parsed, key));
  REQUIRE(parsed->body.kind() == record::record_kind::photo);
  CHECK(record::to_string(parsed->body.kind()) == "photo");
  const auto& p = std::get<record::photo_payload>(parsed->body.body);
  CHECK(p.file_name == "abababababababababababababababab-photo-b2-39500.jpg");
  CHECK(p.byte_length == 84'213);
  CHECK(p.file_sha256 == crypto::sha256(std::string_view("photo")));
  CHECK(p.width == 1280);
  CHECK(p.height == 720);
  CHECK(p.time_base_den == 30);
  CHECK(p.pts == 1185);
  CHECK(p.captured_utc == record::utc_time(std::chrono::milliseconds(1'800'000'656'500)));

  SECTION("forged: the photo's hash changed") {
    auto forged = bytes;
    // Payload tail: file_sha256(32) width(4) height(4) tb(4+4) pts(8) utc(8), then the signature (64).
    forged[forged.size() - 64 - 32 - 1] ^= 0x01;
    auto f = record::parse_signed_record(forged);
    REQUIRE(f.has_value());
    CHECK(std::get<record::photo_payload>(f->body.body).file_sha256 != p.file_sha256);
    CHECK_FALSE(record::verify_record_signature(*f, key));
  }
  SECTION("forged: the capture time moved") {
    auto forged = bytes;
    forged[forged.size() - 64 - 1] ^= 0x10;
    auto f = record::parse_signed_record(forged);
    REQUIRE(f.has_value());
    CHECK_FALSE(record::verify_record_signature(*f, key));
  }
  SECTION("every truncation is malformed") {
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      auto t = record::parse_signed_record(core::byte_view(bytes.data(), n));
      REQUIRE_FALSE(t.has_value());
    }
  }
}

}  // namespace golden_photo_test
