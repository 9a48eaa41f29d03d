// Golden vectors of encrypted footage in the chain (docs/formats/chain.md §4.2): a segment record, an
// annotation record and a photo record whose optional last field `encrypted` is present. Fixed key, fixed records, exact bytes,
// kept in tests/common/record/golden/encrypted-records-v1.hex (one "<name> <signed record hex>" line each) and
// printed in chain.md; BODYCAM_UPDATE_GOLDEN=1 rewrites the file instead of comparing. The same test shows
// that a record without the field is unchanged (the segment golden of golden_test.cpp), and that forged, cut
// and padded copies do not pass.
#include "common/core/hex.hpp"
#include "common/record/record.hpp"
#include "common/record/record_json.hpp"
#include "tests/support/chain_scenario.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace golden_encrypted_test {

using namespace bodycam::common;
namespace fs = std::filesystem;

namespace {

const fs::path golden_file = fs::path(BODYCAM_SOURCE_DIR) / "tests/common/record/golden/encrypted-records-v1.hex";

record::record base(std::uint64_t seq, std::chrono::seconds monotonic) {
  record::record r;
  r.device = record::device_id::parse("cam-0001").value();
  r.seq = seq;
  r.prev_hash = crypto::sha256(std::string_view("previous record"));
  r.boot_counter = 3;
  r.monotonic = monotonic;
  r.utc = {record::utc_time(std::chrono::seconds(1'800'001'000) + monotonic), record::utc_source::dock_sync,
           std::chrono::minutes(5), std::chrono::milliseconds(20)};
  return r;
}

// A sealed encrypted segment: byte_length, file_sha256, init_sha256 and fragment_root of the ciphertext file.
record::record golden_encrypted_segment() {
  record::record r = base(20, std::chrono::seconds(70));
  record::segment_payload s;
  s.session.bytes.fill(0xcd);
  s.index = 0;
  s.file_name = "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd-000000.mp4";
  s.byte_length = 1'237'011;
  s.file_sha256 = crypto::sha256(std::string_view("ciphertext file"));
  s.init_sha256 = crypto::sha256(std::string_view("header and init message"));
  s.fragment_count = 60;
  s.fragment_root = crypto::sha256(std::string_view("root over messages"));
  s.tracks = {{record::track_type::video, 1, 15360, 15360, 921'600}};
  s.closed_by = record::close_reason::rollover;
  s.unsigned_tail_bytes = 0;  // the final message after the last fragment is no unsigned tail (§4.2)
  s.encrypted = record::footage_plaintext{1'234'567, crypto::sha256(std::string_view("plaintext fmp4"))};
  r.body = s;
  return r;
}

// The next record of the same excerpt: it links to the segment record's hash.
record::record golden_encrypted_annotation() {
  record::record r = base(21, std::chrono::seconds(71));
  crypto::software_signer signer(bodycam::tests::fixed_key(1));
  r.prev_hash = record::sign_record(golden_encrypted_segment(), signer).value().hash;
  record::annotation_payload a;
  a.session.bytes.fill(0xcd);
  a.purpose = record::annotation_purpose::start;
  a.status = record::annotation_status::recorded;
  a.file_name = "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd-start-b3.wav";
  a.byte_length = 384'323;
  a.file_sha256 = crypto::sha256(std::string_view("ciphertext statement"));
  a.duration = std::chrono::milliseconds(12'000);
  a.speech_present = true;
  a.speech = std::chrono::milliseconds(9'000);
  a.encrypted = record::footage_plaintext{384'044, crypto::sha256(std::string_view("plaintext wav"))};
  r.body = a;
  return r;
}

// The next record: an encrypted photo (the JPEG sealed as a statement is), linked to the annotation's hash.
record::record golden_encrypted_photo() {
  record::record r = base(22, std::chrono::seconds(72));
  crypto::software_signer signer(bodycam::tests::fixed_key(1));
  r.prev_hash = record::sign_record(golden_encrypted_annotation(), signer).value().hash;
  record::photo_payload p;
  p.session.bytes.fill(0xcd);
  p.file_name = "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd-photo-b3-720.jpg";
  p.byte_length = 84'418;
  p.file_sha256 = crypto::sha256(std::string_view("ciphertext photo"));
  p.width = 1280;
  p.height = 720;
  p.time_base_num = 1;
  p.time_base_den = 30;
  p.pts = 720;
  p.captured_utc = record::utc_time(std::chrono::milliseconds(1'800'001'071'500));
  p.encrypted = record::footage_plaintext{84'213, crypto::sha256(std::string_view("plaintext jpeg"))};
  r.body = p;
  return r;
}

std::map<std::string, std::string> signed_hex_now() {
  crypto::software_signer signer(bodycam::tests::fixed_key(1));
  return {{"segment", core::to_hex(record::sign_record(golden_encrypted_segment(), signer).value().bytes)},
          {"annotation", core::to_hex(record::sign_record(golden_encrypted_annotation(), signer).value().bytes)},
          {"photo", core::to_hex(record::sign_record(golden_encrypted_photo(), signer).value().bytes)}};
}

std::map<std::string, std::string> signed_hex_stored() {
  std::ifstream in(golden_file);
  REQUIRE(in.good());
  std::map<std::string, std::string> out;
  std::string name, hex;
  while (in >> name >> hex) out[name] = hex;
  return out;
}

core::byte_buffer bytes_of(const std::string& hex) { return core::parse_hex(hex, hex.size() / 2, "golden").value(); }

}  // namespace

TEST_CASE("golden vectors: encrypted segment, annotation and photo records encode and sign to fixed bytes") {
  const auto now = signed_hex_now();
  if (const char* update = std::getenv("BODYCAM_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream out(golden_file, std::ios::trunc);
    for (const auto& [name, hex] : now) out << name << " " << hex << "\n";
    REQUIRE(out.good());
    WARN("rewrote " << golden_file.string());
    return;
  }
  const auto stored = signed_hex_stored();
  REQUIRE(stored.size() == 3);
  CHECK(now.at("segment") == stored.at("segment"));
  CHECK(now.at("annotation") == stored.at("annotation"));
  CHECK(now.at("photo") == stored.at("photo"));
}

TEST_CASE("golden vectors: the stored encrypted records parse back and verify; forged, cut and padded ones do not") {
  const auto key = bodycam::tests::fixed_key(1).public_key();
  const auto stored = signed_hex_stored();
  const auto segment = bytes_of(stored.at("segment"));
  const auto annotation = bytes_of(stored.at("annotation"));

  auto s = record::parse_signed_record(segment);
  REQUIRE(s.has_value());
  CHECK(record::verify_record_signature(*s, key));
  const auto& sp = std::get<record::segment_payload>(s->body.body);
  REQUIRE(sp.encrypted.has_value());
  CHECK(sp.encrypted->byte_length == 1'234'567);
  CHECK(sp.encrypted->sha256 == crypto::sha256(std::string_view("plaintext fmp4")));
  CHECK(sp.file_sha256 == crypto::sha256(std::string_view("ciphertext file")));
  CHECK(record::payload_to_json(s->body.body).at("encrypted").at("plaintext_sha256") == sp.encrypted->sha256.to_hex());

  auto a = record::parse_signed_record(annotation);
  REQUIRE(a.has_value());
  CHECK(record::verify_record_signature(*a, key));
  const auto& ap = std::get<record::annotation_payload>(a->body.body);
  REQUIRE(ap.encrypted.has_value());
  CHECK(ap.encrypted->byte_length == 384'044);

  const auto photo = bytes_of(stored.at("photo"));
  auto ph = record::parse_signed_record(photo);
  REQUIRE(ph.has_value());
  CHECK(record::verify_record_signature(*ph, key));
  CHECK(ph->body.prev_hash == a->hash);
  const auto& pp = std::get<record::photo_payload>(ph->body.body);
  REQUIRE(pp.encrypted.has_value());
  CHECK(pp.encrypted->byte_length == 84'213);
  CHECK(pp.encrypted->sha256 == crypto::sha256(std::string_view("plaintext jpeg")));
  CHECK(pp.file_sha256 == crypto::sha256(std::string_view("ciphertext photo")));
  CHECK(pp.captured_utc == record::utc_time(std::chrono::milliseconds(1'800'001'071'500)));

  SECTION("a record without the field has no `encrypted` (and no JSON key)") {
    record::record plain = golden_encrypted_segment();
    std::get<record::segment_payload>(plain.body).encrypted.reset();
    crypto::software_signer signer(bodycam::tests::fixed_key(1));
    auto signed_plain = record::sign_record(plain, signer).value();
    CHECK(signed_plain.bytes.size() + 40 == segment.size());  // u64 + sha256 fewer
    auto back = record::parse_signed_record(signed_plain.bytes);
    REQUIRE(back.has_value());
    CHECK_FALSE(std::get<record::segment_payload>(back->body.body).encrypted.has_value());
    CHECK_FALSE(record::payload_to_json(back->body.body).contains("encrypted"));
  }
  SECTION("a photo record without the field (every photo record before photos were encrypted) still parses") {
    record::record plain = golden_encrypted_photo();
    std::get<record::photo_payload>(plain.body).encrypted.reset();
    crypto::software_signer signer(bodycam::tests::fixed_key(1));
    auto signed_plain = record::sign_record(plain, signer).value();
    CHECK(signed_plain.bytes.size() + 40 == photo.size());
    auto back = record::parse_signed_record(signed_plain.bytes);
    REQUIRE(back.has_value());
    CHECK(record::verify_record_signature(*back, key));
    CHECK_FALSE(std::get<record::photo_payload>(back->body.body).encrypted.has_value());
  }
  SECTION("forged: the photo's plaintext hash changed") {
    auto forged = photo;
    forged[forged.size() - 64 - 1] ^= 0x01;
    auto f = record::parse_signed_record(forged);
    REQUIRE(f.has_value());
    CHECK(std::get<record::photo_payload>(f->body.body).encrypted->sha256 != pp.encrypted->sha256);
    CHECK_FALSE(record::verify_record_signature(*f, key));
  }
  SECTION("forged: the plaintext hash changed") {
    auto forged = segment;
    forged[forged.size() - 64 - 1] ^= 0x01;
    auto f = record::parse_signed_record(forged);
    REQUIRE(f.has_value());
    CHECK(std::get<record::segment_payload>(f->body.body).encrypted->sha256 != sp.encrypted->sha256);
    CHECK_FALSE(record::verify_record_signature(*f, key));
  }
  SECTION("forged: the field stripped (payload_length shortened by 40) no longer verifies") {
    const std::size_t length_at = 4 + 2 + 2 + 2 + 8 + 8 + 32 + 4 + 8 + 8 + 1 + 8 + 8;  // device "cam-0001"
    auto canonical = core::byte_buffer(segment.begin(), segment.end() - 64 - 40);
    std::uint32_t length = 0;
    for (int i = 0; i < 4; ++i) length = (length << 8) | canonical[length_at + static_cast<std::size_t>(i)];
    length -= 40;
    for (int i = 0; i < 4; ++i)
      canonical[length_at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(length >> (8 * (3 - i)));
    canonical.insert(canonical.end(), segment.end() - 64, segment.end());
    auto f = record::parse_signed_record(canonical);
    REQUIRE(f.has_value());
    CHECK_FALSE(std::get<record::segment_payload>(f->body.body).encrypted.has_value());
    CHECK_FALSE(record::verify_record_signature(*f, key));
  }
  SECTION("every truncation is malformed, and so is the field cut short or followed by a byte") {
    for (std::size_t n = 0; n < segment.size(); ++n)
      REQUIRE_FALSE(record::parse_signed_record(core::byte_view(segment.data(), n)).has_value());
    const std::size_t length_at = 4 + 2 + 2 + 2 + 8 + 8 + 32 + 4 + 8 + 8 + 1 + 8 + 8;
    for (const int delta : {-1, +1}) {
      auto canonical = core::byte_buffer(segment.begin(), segment.end() - 64);
      if (delta > 0) canonical.push_back(0x00);
      else canonical.pop_back();
      std::uint32_t length = 0;
      for (int i = 0; i < 4; ++i) length = (length << 8) | canonical[length_at + static_cast<std::size_t>(i)];
      length = static_cast<std::uint32_t>(static_cast<std::int64_t>(length) + delta);
      for (int i = 0; i < 4; ++i)
        canonical[length_at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(length >> (8 * (3 - i)));
      canonical.insert(canonical.end(), segment.end() - 64, segment.end());
      INFO("payload length changed by " << delta);
      CHECK_FALSE(record::parse_signed_record(canonical).has_value());
    }
  }
}

}  // namespace golden_encrypted_test
