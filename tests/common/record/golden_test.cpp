// Golden vectors: fixed key, fixed record, exact bytes. If the encoding drifts, these fail.
// The same vectors are printed in docs/formats/chain.md §7 so a verifier in another language can test itself.
#include "common/record/record.hpp"
#include "common/core/hex.hpp"
#include "tests/common/record/golden_vectors.hpp"
#include "tests/support/chain_scenario.hpp"

#include <cstring>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace golden_test {

using namespace bodycam::common;
namespace golden = bodycam::tests::golden;

namespace {

record::record golden_boot() {
  record::record r;
  r.device = record::device_id::parse("cam-0001").value();
  r.seq = 0;
  r.boot_counter = 1;
  r.monotonic = std::chrono::milliseconds(1500);
  r.utc = {record::utc_time(std::chrono::seconds(1'800'000'000)), record::utc_source::rtc_only,
           std::chrono::milliseconds(0), std::chrono::seconds(2)};
  r.body = record::boot_payload{"1.0.0", record::shutdown_kind::first_boot};
  return r;
}

record::record golden_segment(const crypto::sha256_digest& prev) {
  record::record r;
  r.device = record::device_id::parse("cam-0001").value();
  r.seq = 1;
  r.prev_hash = prev;
  r.boot_counter = 1;
  r.monotonic = std::chrono::seconds(75);
  r.utc = {record::utc_time(std::chrono::seconds(1'800'000'075)), record::utc_source::dock_sync,
           std::chrono::minutes(5), std::chrono::milliseconds(20)};
  record::segment_payload s;
  s.session.bytes.fill(0xab);
  s.index = 0;
  s.file_name = "abababababababababababababababab-000000.mp4";
  s.byte_length = 1'234'567;
  s.file_sha256 = crypto::sha256(std::string_view("file"));
  s.init_sha256 = crypto::sha256(std::string_view("init"));
  s.fragment_count = 60;
  s.fragment_root = crypto::sha256(std::string_view("root"));
  s.tracks = {{record::track_type::video, 1, 90000, 0, 5'397'000}, {record::track_type::audio, 1, 48000, 0, 2'879'000}};
  s.closed_by = record::close_reason::rollover;
  s.unsigned_tail_bytes = 0;
  r.body = s;
  return r;
}

record::record golden_resume(const crypto::sha256_digest& prev) {
  record::record r;
  r.device = record::device_id::parse("cam-0001").value();
  r.seq = 2;
  r.prev_hash = prev;
  r.boot_counter = 2;
  r.monotonic = std::chrono::seconds(3);
  r.utc = {record::utc_time(std::chrono::seconds(1'800'000'600)), record::utc_source::rtc_only,
           std::chrono::milliseconds(0), std::chrono::seconds(2)};
  record::session_resume_payload p;
  p.session.bytes.fill(0xab);
  p.resumes_seq = 41;
  p.officer_id = "officer-7";
  p.trigger = record::start_trigger::button;
  p.pre_event = std::chrono::seconds(120);
  r.body = p;
  return r;
}

// Records 3-5 continue the golden chain in the resumed run: boot 2, rtc_only UTC, error bound 2 s.
record::record golden_in_run(std::uint64_t seq, const crypto::sha256_digest& prev, std::chrono::seconds monotonic,
                             record::payload body) {
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


const char* golden_boot_canonical =
    "4243524400010001000863616d2d30303031000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000010000000059682f0018fae27693b4000001000000000000000000000000000007d000"
    "0000080005312e302e3002";
const char* golden_boot_signature =
    "964def22ef40f48708a2e8f1a44bfd1e124b84f80a6076ec2eb0b3a3e5a078b14c990c0330aba2fb281861becfdf5284"
    "69f5d431bbebda2566d480c61aa50106";
const char* golden_segment_canonical =
    "4243524400010004000863616d2d303030310000000000000001a679ef480e3de107b134f92bc6255eb67871a747f2a1"
    "c235b1bb1e76474f506b000000010000001176592e0018fae2880a0d2e000200000000000493e0000000000000001400"
    "0000ecabababababababababababababababab00000000002b6162616261626162616261626162616261626162616261"
    "6261626162616261622d3030303030302e6d7034000000000012d6873b9c358f36f0a31b6ad3e14f309c7cf198ac9246"
    "e8316f9ce543d5b19ac02b80bb54068aea85faa7e487530083366be9962390af822e4c71ef1aca7033c83e660000003c"
    "4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b200000002000000000100015f90000000"
    "00000000000000000000525a0801000000010000bb80000000000000000000000000002bee18000000000000000000";
// Hashes (SHA-256 of the canonical bytes): boot a679ef480e3de107b134f92bc6255eb67871a747f2a1c235b1bb1e76474f506b, segment 29fa4c8eb33e1d566440ca2b447f3b5f01e9a7fab41b508cf9efceb64b745734.
const char* golden_segment_signature =
    "f91dac900e97ec073e699f88b0f4e74d6b8f9dacc73f93edf4875b4ceace36242279cf83087db7ffd372a9382fefbb68"
    "a62d0a9d2bb5afdd288004488f31bd02";

// Hash: 1317eb8f84e91e0afa393a301fbf7dbe54233896172287b23843a9b2e212b12b.
const char* golden_resume_canonical =
    "424352440001000e000863616d2d30303031000000000000000229fa4c8eb33e1d566440ca2b447f3b5f01e9a7fab41b"
    "508cf9efceb64b7457340000000200000000b2d05e0018fae302467d700001000000000000000000000000000007d000"
    "00002cabababababababababababababababab000000000000002900096f6666696365722d3700000000000001d4c0";
const char* golden_resume_signature =
    "57bdb94d53cde5b92e146b1ce47f78cfe4b8199ad124a8d56bd2cdad2382914595561ac369239207673749848a7fa2ce"
    "f3fe700ebe5805b91e7478a47992cc0a";

// Hash: 44431d86efeb4c76874ab40e4c8563b93a7527f88d1da6e71911ccdd0e521a45.
const char* golden_action_canonical =
    "424352440001000f000863616d2d3030303100000000000000031317eb8f84e91e0afa393a301fbf7dbe542338961722"
    "87b23843a9b2e212b12b0000000200000002540be40018fae303e7b8f60001000000000000000000000000000007d000"
    "000031abababababababababababababababab000f6f6e5f736974655f70656e616c7479000e434153452d323032362d"
    "30303432";
const char* golden_action_signature =
    "b65c67a214e4242f26f49cd9ea9c72ca6dfb9c8e0b3b586ed81aa2ec60410541dfe08619708dac361bc7c44f9b16dbd8"
    "9bfeab933a1fdded9ed3013f6c15470f";
// Hash: 74c669dca713217bca8152070b23bda183ae53840f7da8a295f41e6bc3c32e03.
const char* golden_mark_canonical =
    "4243524400010010000863616d2d30303031000000000000000444431d86efeb4c76874ab40e4c8563b93a7527f88d1d"
    "a6e71911ccdd0e521a450000000200000004a817c80018fae3063bc4da0001000000000000000000000000000007d000"
    "000022abababababababababababababababab00106b6579732068616e646564206f766572";
const char* golden_mark_signature =
    "e45f956dde6b22c4f865194a8a9778689177c93c27d544f0622380fbeb0d86702af75ad75f65cb33ed79a0c7023454d4"
    "782125299325dd02828ab8fad4757c03";
// Hash: 1a51f3a9625bcba214f86ead6efcfb4f2da03e75ad099ec203d61d51ba65914e.
const char* golden_officer_canonical =
    "4243524400010011000863616d2d30303031000000000000000574c669dca713217bca8152070b23bda183ae53840f7d"
    "a8a295f41e6bc3c32e030000000200000006fc23ac0018fae3088fd0be0001000000000000000000000000000007d000"
    "00001cabababababababababababababababab00096f6666696365722d3900";
const char* golden_officer_signature =
    "dc99f6421ef309057cd252833e2ac116b08771d07d32c066978694766850dd0fb1fa36282908e754c1c35cc2db2d55ae"
    "b06d0b248eaee9aa9a7e971002e30607";

struct field_chain {
  record::signed_record action, mark, officer;
};

field_chain sign_field_chain() {
  crypto::software_signer signer(bodycam::tests::fixed_key(1));
  auto boot = record::sign_record(golden_boot(), signer).value();
  auto seg = record::sign_record(golden_segment(boot.hash), signer).value();
  auto resume = record::sign_record(golden_resume(seg.hash), signer).value();
  auto action = record::sign_record(
                    golden_in_run(3, resume.hash, std::chrono::seconds(10),
                                  record::action_payload{golden::session(), "on_site_penalty", "CASE-2026-0042"}),
                    signer)
                    .value();
  auto mark = record::sign_record(golden_in_run(4, action.hash, std::chrono::seconds(20),
                                                record::mark_payload{golden::session(), "keys handed over"}),
                                  signer)
                  .value();
  auto officer = record::sign_record(
                     golden_in_run(5, mark.hash, std::chrono::seconds(30),
                                   record::officer_payload{golden::session(), "officer-9", record::officer_change::join}),
                     signer)
                     .value();
  return {action, mark, officer};
}

}  // namespace

TEST_CASE("golden vectors: the fixed key") {
  CHECK(bodycam::tests::fixed_key(1).public_key().to_hex() == golden::public_key);
}

TEST_CASE("golden vectors: boot and segment records encode and sign to fixed bytes") {
  crypto::software_signer signer(bodycam::tests::fixed_key(1));
  auto boot = record::sign_record(golden_boot(), signer).value();
  CHECK(core::to_hex(boot.canonical()) == golden_boot_canonical);
  CHECK(boot.sig.to_hex() == golden_boot_signature);
  auto seg = record::sign_record(golden_segment(boot.hash), signer).value();
  CHECK(core::to_hex(seg.canonical()) == golden_segment_canonical);
  CHECK(seg.sig.to_hex() == golden_segment_signature);
}

TEST_CASE("golden vectors: a session_resume record (kind 14) encodes and signs to fixed bytes, and parses back") {
  crypto::software_signer signer(bodycam::tests::fixed_key(1));
  auto boot = record::sign_record(golden_boot(), signer).value();
  auto seg = record::sign_record(golden_segment(boot.hash), signer).value();
  auto resume = record::sign_record(golden_resume(seg.hash), signer).value();
  CHECK(core::to_hex(resume.canonical()) == golden_resume_canonical);
  CHECK(resume.sig.to_hex() == golden_resume_signature);
  auto key = crypto::public_key::parse(golden::public_key).value();
  auto parsed = record::parse_signed_record(resume.bytes);
  REQUIRE(parsed.has_value());
  CHECK(record::verify_record_signature(*parsed, key));
  REQUIRE(parsed->body.kind() == record::record_kind::session_resume);
  const auto& p = std::get<record::session_resume_payload>(parsed->body.body);
  CHECK(p.resumes_seq == 41);
  CHECK(p.pre_event == std::chrono::seconds(120));
  CHECK(p.officer_id == "officer-7");
  // Old records stay valid: the boot and segment vectors are unchanged (checked above); the first code after
  // the last kind (photo, 19) is unknown.
  auto bytes = resume.bytes;
  bytes[7] = 20;
  auto unknown = record::parse_signed_record(bytes);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == core::errc::malformed);
}

TEST_CASE("golden vectors: the stored bytes parse and verify; forged and truncated ones do not") {
  auto key = crypto::public_key::parse(golden::public_key).value();
  auto bytes = core::parse_hex(std::string(golden_segment_canonical) + golden_segment_signature,
                               (std::strlen(golden_segment_canonical) + std::strlen(golden_segment_signature)) / 2,
                               "golden")
                   .value();
  auto parsed = record::parse_signed_record(bytes);
  REQUIRE(parsed.has_value());
  CHECK(record::verify_record_signature(*parsed, key));
  CHECK(std::get<record::segment_payload>(parsed->body.body).byte_length == 1'234'567);

  SECTION("forged: one payload byte changed") {
    auto forged = bytes;
    forged[forged.size() - 64 - 20] ^= 0x01;
    auto p = record::parse_signed_record(forged);
    REQUIRE(p.has_value());
    CHECK_FALSE(record::verify_record_signature(*p, key));
  }
  SECTION("forged: signature byte changed") {
    auto forged = bytes;
    forged.back() ^= 0x80;
    CHECK_FALSE(record::verify_record_signature(record::parse_signed_record(forged).value(), key));
  }
  SECTION("truncated by one byte") {
    auto cut = bytes;
    cut.pop_back();
    auto p = record::parse_signed_record(cut);
    // Cutting the signature shifts the split: the canonical part then ends one byte early.
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().code == core::errc::malformed);
  }
}

TEST_CASE("golden vectors: action, mark and officer records (kinds 15-17) encode and sign to fixed bytes") {
  const auto chain = sign_field_chain();
  CHECK(core::to_hex(chain.action.canonical()) == golden_action_canonical);
  CHECK(chain.action.sig.to_hex() == golden_action_signature);
  CHECK(core::to_hex(chain.mark.canonical()) == golden_mark_canonical);
  CHECK(chain.mark.sig.to_hex() == golden_mark_signature);
  CHECK(core::to_hex(chain.officer.canonical()) == golden_officer_canonical);
  CHECK(chain.officer.sig.to_hex() == golden_officer_signature);
  CHECK(chain.mark.body.prev_hash == chain.action.hash);
  CHECK(chain.officer.body.prev_hash == chain.mark.hash);
}

TEST_CASE("golden vectors: the stored action, mark and officer bytes parse back and verify; forged and cut ones do not") {
  const auto key = crypto::public_key::parse(golden::public_key).value();
  const auto action = golden::bytes(golden_action_canonical, golden_action_signature);
  const auto mark = golden::bytes(golden_mark_canonical, golden_mark_signature);
  const auto officer = golden::bytes(golden_officer_canonical, golden_officer_signature);

  auto a = record::parse_signed_record(action);
  REQUIRE(a.has_value());
  CHECK(record::verify_record_signature(*a, key));
  REQUIRE(a->body.kind() == record::record_kind::action);
  CHECK(std::get<record::action_payload>(a->body.body).action == "on_site_penalty");
  CHECK(std::get<record::action_payload>(a->body.body).case_number == "CASE-2026-0042");

  auto m = record::parse_signed_record(mark);
  REQUIRE(m.has_value());
  CHECK(record::verify_record_signature(*m, key));
  REQUIRE(m->body.kind() == record::record_kind::mark);
  CHECK(std::get<record::mark_payload>(m->body.body).label == "keys handed over");

  auto o = record::parse_signed_record(officer);
  REQUIRE(o.has_value());
  CHECK(record::verify_record_signature(*o, key));
  REQUIRE(o->body.kind() == record::record_kind::officer);
  CHECK(std::get<record::officer_payload>(o->body.body).officer_id == "officer-9");
  CHECK(std::get<record::officer_payload>(o->body.body).change == record::officer_change::join);

  SECTION("forged: the case number changed") {
    auto forged = action;
    forged[forged.size() - 64 - 1] ^= 0x01;  // the last byte of the case number
    auto p = record::parse_signed_record(forged);
    REQUIRE(p.has_value());
    CHECK_FALSE(record::verify_record_signature(*p, key));
  }
  SECTION("forged: a join turned into a leave") {
    auto forged = officer;
    REQUIRE(forged[forged.size() - 64 - 1] == 0);  // change is the payload's last byte
    forged[forged.size() - 64 - 1] = 1;
    auto p = record::parse_signed_record(forged);
    REQUIRE(p.has_value());
    CHECK(std::get<record::officer_payload>(p->body.body).change == record::officer_change::leave);
    CHECK_FALSE(record::verify_record_signature(*p, key));
  }
  SECTION("malformed: an officer change code that does not exist") {
    auto bad = officer;
    bad[bad.size() - 64 - 1] = 2;
    auto p = record::parse_signed_record(bad);
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().context == "field officer.change: unknown code 2");
  }
  SECTION("every truncation of each is malformed") {
    for (const auto* bytes : {&action, &mark, &officer})
      for (std::size_t n = 0; n < bytes->size(); ++n) {
        auto p = record::parse_signed_record(core::byte_view(bytes->data(), n));
        REQUIRE_FALSE(p.has_value());
        CHECK(p.error().code == core::errc::malformed);
      }
  }
}

}  // namespace golden_test
