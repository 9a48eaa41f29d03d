// The camera's offload handler and reclaimer against a real ledger: what it serves, what it refuses (named
// for the attack), receipts moving files to stored, and reclaim only after a receipt, oldest first.
#include "tests/firmware/offload/camera_fixture.hpp"

#include "common/chain/checkpoint.hpp"
#include "common/core/durable_file.hpp"
#include "common/receipt/receipt.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace bodycam;
using namespace bodycam::common;
namespace msg = bodycam::common::offload;
using bodycam::tests::camera_fixture;
using bodycam::tests::fixed_key;
using bodycam::tests::temp_dir;

namespace {

template <class T>
T expect(msg::message m) {
  if (const auto* e = std::get_if<msg::error_response>(&m)) FAIL("error response: " << e->detail);
  REQUIRE(std::holds_alternative<T>(m));
  return std::get<T>(std::move(m));
}

msg::error_response expect_error(msg::message m) {
  REQUIRE(std::holds_alternative<msg::error_response>(m));
  return std::get<msg::error_response>(std::move(m));
}

chain::signed_checkpoint checkpoint_of(camera_fixture& cam, const crypto::public_key& peer) {
  const auto& r = expect<msg::checkpoint_response>(cam.handler().handle(msg::checkpoint_request{}, peer));
  auto cp = chain::parse_signed_checkpoint(r.checkpoint);
  REQUIRE(cp.has_value());
  return *cp;
}

// A receipt by `dock` for records first..end of `cam`, listing `objects`.
receipt::signed_receipt make_receipt(camera_fixture& cam, crypto::software_signer& dock, std::uint64_t first,
                                     std::uint64_t end, std::vector<receipt::stored_object> objects) {
  receipt::receipt r;
  r.issuer = "dock-1";
  r.issuer_key = dock.public_key();
  r.device = cam.writer().device();
  r.first_seq = first;
  r.end_seq = end;
  const auto& recs = expect<msg::records_response>(cam.handler().handle(msg::records_request{end - 1, 1}, dock.public_key()));
  REQUIRE(recs.records.size() == 1);
  r.head_hash = crypto::sha256(core::byte_view(recs.records[0]).first(recs.records[0].size() - 64));
  r.stored_utc = record::utc_time(std::chrono::seconds(1'795'000'100));
  r.objects = std::move(objects);
  auto s = receipt::sign(std::move(r), dock);
  REQUIRE(s.has_value());
  return *s;
}

std::vector<receipt::stored_object> objects_of(camera_fixture& cam, const std::vector<std::string>& names) {
  std::vector<receipt::stored_object> out;
  for (const auto& n : names) {
    auto bytes = core::read_file(cam.recording_dir() / n, 1 << 24);
    REQUIRE(bytes.has_value());
    out.push_back(receipt::stored_object{crypto::sha256(*bytes), bytes->size()});
  }
  return out;
}

}  // namespace

TEST_CASE("the camera serves a checkpoint signed by its key, records from a seq, and file ranges", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir.path());
  const auto a = cam.add_segment(150'000);
  cam.add_segment(1000);
  crypto::software_signer dock(fixed_key(50));
  cam.trust_dock("dock-1", dock.public_key());

  auto cp = checkpoint_of(cam, dock.public_key());
  CHECK(cp.body.count == cam.record_count());
  CHECK(chain::verify_checkpoint_signature(cp, cam.key()));
  const auto& state = expect<msg::checkpoint_response>(cam.handler().handle(msg::checkpoint_request{}, dock.public_key()));
  CHECK(state.battery_percent == 80);

  const auto& recs = expect<msg::records_response>(cam.handler().handle(msg::records_request{1, 2}, dock.public_key()));
  REQUIRE(recs.records.size() == 2);
  auto second = record::parse_signed_record(recs.records[0]);
  REQUIRE(second.has_value());
  CHECK(second->body.seq == 1);
  const auto& tail = expect<msg::records_response>(cam.handler().handle(msg::records_request{cp.body.count - 1, 100}, dock.public_key()));
  CHECK(tail.records.size() == 1);
  const auto& none = expect<msg::records_response>(cam.handler().handle(msg::records_request{cp.body.count, 100}, dock.public_key()));
  CHECK(none.records.empty());

  // The whole file, range by range, is the file.
  core::byte_buffer got;
  for (std::uint64_t offset = 0;;) {
    const auto& part = expect<msg::file_response>(cam.handler().handle(msg::file_request{a, offset, msg::max_file_chunk}, dock.public_key()));
    CHECK(part.file_length == 150'000);
    if (part.data.empty()) break;
    got.insert(got.end(), part.data.begin(), part.data.end());
    offset += part.data.size();
  }
  CHECK(got == *core::read_file(cam.recording_dir() / a, 1 << 20));
}

TEST_CASE("path_traversal and unsealed files are not served", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir.path());
  cam.add_segment(100);
  crypto::software_signer dock(fixed_key(50));
  CHECK(expect_error(cam.handler().handle(msg::file_request{"../ledger.db", 0, 10}, dock.public_key())).code ==
        core::errc::permission);
  CHECK(expect_error(cam.handler().handle(msg::file_request{".hidden", 0, 10}, dock.public_key())).code ==
        core::errc::permission);
  CHECK(expect_error(cam.handler().handle(msg::file_request{"999999.mp4", 0, 10}, dock.public_key())).code ==
        core::errc::not_found);
  REQUIRE(cam.writer().with_ledger([](ledger::ledger& l) { return l.add_file({"partial.mp4", ledger::file_kind::segment, "s"}); }).has_value());
  CHECK(expect_error(cam.handler().handle(msg::file_request{"partial.mp4", 0, 10}, dock.public_key())).code ==
        core::errc::conflict);
  // A response is never a request.
  CHECK(expect_error(cam.handler().handle(msg::appended_response{}, dock.public_key())).code == core::errc::malformed);
}

TEST_CASE("timesync from the agency dock is recorded with the offset; forged ones are refused", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir.path());
  crypto::software_signer dock(fixed_key(50));
  crypto::software_signer rogue(fixed_key(51));
  cam.trust_dock("dock-1", dock.public_key());
  auto cp = checkpoint_of(cam, dock.public_key());
  const auto dock_utc = cp.body.utc - std::chrono::milliseconds(1500);
  auto witness = [&](crypto::software_signer& who, std::string id, std::uint64_t count, crypto::sha256_digest head) {
    msg::timesync_request t;
    t.dock_id = std::move(id);
    t.dock_key = who.public_key();
    t.dock_utc = dock_utc;
    t.checkpoint_count = count;
    t.checkpoint_head = head;
    t.dock_signature = *who.sign(chain::witness_message(cam.writer().device(), count, head, dock_utc));
    return t;
  };
  const auto before = cam.record_count();
  SECTION("rogue_dock_timesync") {
    CHECK(expect_error(cam.handler().handle(witness(rogue, "dock-1", cp.body.count, cp.body.head), rogue.public_key())).code ==
          core::errc::permission);
  }
  SECTION("timesync signed by another key than the link's dock") {
    CHECK(expect_error(cam.handler().handle(witness(dock, "dock-1", cp.body.count, cp.body.head), rogue.public_key())).code ==
          core::errc::permission);
  }
  SECTION("timesync for a head this chain does not have") {
    auto other = cp.body.head;
    other.bytes[0] ^= 1;
    CHECK(expect_error(cam.handler().handle(witness(dock, "dock-1", cp.body.count, other), dock.public_key())).code ==
          core::errc::conflict);
    CHECK(expect_error(cam.handler().handle(witness(dock, "dock-1", cp.body.count + 5, cp.body.head), dock.public_key())).code ==
          core::errc::conflict);
  }
  SECTION("forged witness signature") {
    auto t = witness(dock, "dock-1", cp.body.count, cp.body.head);
    t.dock_utc += std::chrono::seconds(1);
    CHECK(expect_error(cam.handler().handle(t, dock.public_key())).code == core::errc::bad_signature);
  }
  SECTION("the agency dock's witness") {
    const auto& ok = expect<msg::appended_response>(cam.handler().handle(witness(dock, "dock-1", cp.body.count, cp.body.head), dock.public_key()));
    CHECK(ok.seq == before);
    const auto& recs = expect<msg::records_response>(cam.handler().handle(msg::records_request{ok.seq, 1}, dock.public_key()));
    auto r = record::parse_signed_record(recs.records.at(0));
    REQUIRE(r.has_value());
    const auto& p = std::get<record::timesync_payload>(r->body.body);
    CHECK(p.dock_id == "dock-1");
    CHECK(p.checkpoint_count == cp.body.count);
    CHECK(p.offset > std::chrono::milliseconds(1500));  // the camera's clock is ahead of dock_utc by 1.5 s and more
    return;
  }
  CHECK(cam.record_count() == before);  // nothing appended for a refused witness
}

TEST_CASE("a receipt moves exactly the covered files to stored, once", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir.path());
  const auto a = cam.add_segment(5000);
  const auto b = cam.add_segment(6000);
  const auto end_ab = cam.record_count();
  const auto c = cam.add_segment(7000);
  crypto::software_signer dock(fixed_key(50));
  crypto::software_signer rogue(fixed_key(51));
  cam.trust_dock("dock-1", dock.public_key());

  SECTION("rogue_dock_receipt") {
    cam.trust_dock("dock-2", dock.public_key());
    auto forged = make_receipt(cam, rogue, 0, end_ab, objects_of(cam, {a, b}));
    CHECK(expect_error(cam.handler().handle(msg::receipt_request{forged.document}, rogue.public_key())).code ==
          core::errc::permission);
    CHECK(cam.files_in(ledger::file_state::stored).empty());
  }
  SECTION("receipt_for_records_the_camera_lacks") {
    auto good = make_receipt(cam, dock, 0, end_ab, objects_of(cam, {a, b}));
    auto body = good.body;
    body.end_seq = cam.record_count() + 3;
    auto beyond = receipt::sign(body, dock);
    REQUIRE(beyond.has_value());
    CHECK(expect_error(cam.handler().handle(msg::receipt_request{beyond->document}, dock.public_key())).code ==
          core::errc::conflict);
  }
  SECTION("flipped bit in a receipt") {
    auto good = make_receipt(cam, dock, 0, end_ab, objects_of(cam, {a, b}));
    auto doc = good.document;
    doc[40] ^= 4;
    CHECK(std::holds_alternative<msg::error_response>(cam.handler().handle(msg::receipt_request{doc}, dock.public_key())));
    CHECK(cam.files_in(ledger::file_state::stored).empty());
  }
  SECTION("the agency dock's receipt, then a resend") {
    auto good = make_receipt(cam, dock, 0, end_ab, objects_of(cam, {a, b}));
    const auto& first = expect<msg::appended_response>(cam.handler().handle(msg::receipt_request{good.document}, dock.public_key()));
    CHECK(first.outcome == msg::append_outcome::appended);
    CHECK(cam.files_in(ledger::file_state::stored) == std::vector<std::string>{a, b});
    CHECK(cam.files_in(ledger::file_state::sealed) == std::vector<std::string>{c});
    const auto count = cam.record_count();
    const auto& again = expect<msg::appended_response>(cam.handler().handle(msg::receipt_request{good.document}, dock.public_key()));
    CHECK(again.outcome == msg::append_outcome::already_recorded);
    CHECK(again.seq == first.seq);
    CHECK(cam.record_count() == count);
    auto rec = expect<msg::records_response>(cam.handler().handle(msg::records_request{first.seq, 1}, dock.public_key()));
    auto parsed = record::parse_signed_record(rec.records.at(0));
    REQUIRE(parsed.has_value());
    const auto& p = std::get<record::receipt_payload>(parsed->body.body);
    CHECK(p.covered_count == end_ab);
    CHECK(p.receipt_sha256 == crypto::sha256(good.document));
  }
}

TEST_CASE("reclaim frees only stored files, oldest first, after a reclaim record", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir.path());
  const auto a = cam.add_segment(5000);
  const auto b = cam.add_segment(6000);
  const auto c = cam.add_segment(7000);
  const auto end_abc = cam.record_count();
  crypto::software_signer dock(fixed_key(50));
  cam.trust_dock("dock-1", dock.public_key());

  // reclaim_without_receipt: nothing is stored, nothing is freed, nothing recorded.
  const auto before = cam.record_count();
  auto none = cam.reclaimer().reclaim_space(1 << 20);
  REQUIRE(none.has_value());
  CHECK(*none == 0);
  CHECK(cam.record_count() == before);
  CHECK(std::filesystem::exists(cam.recording_dir() / a));

  auto good = make_receipt(cam, dock, 0, end_abc, objects_of(cam, {a, b}));  // c is not listed: stays sealed
  const auto receipt_seq =
      expect<msg::appended_response>(cam.handler().handle(msg::receipt_request{good.document}, dock.public_key())).seq;

  auto zero = cam.reclaimer().reclaim_space(0);
  REQUIRE(zero.has_value());
  CHECK(*zero == 0);
  CHECK(cam.record_count() == receipt_seq + 1);

  auto freed = cam.reclaimer().reclaim_space(100);  // the oldest one suffices
  REQUIRE(freed.has_value());
  CHECK(*freed == 5000);
  CHECK_FALSE(std::filesystem::exists(cam.recording_dir() / a));
  CHECK(std::filesystem::exists(cam.recording_dir() / b));
  CHECK(cam.files_in(ledger::file_state::reclaimed) == std::vector<std::string>{a});
  const auto& rec = expect<msg::records_response>(cam.handler().handle(msg::records_request{receipt_seq + 1, 1}, dock.public_key()));
  auto parsed = record::parse_signed_record(rec.records.at(0));
  REQUIRE(parsed.has_value());
  const auto& p = std::get<record::reclaim_payload>(parsed->body.body);
  CHECK(p.receipt_seq == receipt_seq);
  REQUIRE(p.files.size() == 1);
  CHECK(p.files[0].file_name == a);

  auto rest = cam.reclaimer().reclaim_space(1 << 20);  // asks for more than allowed: only b
  REQUIRE(rest.has_value());
  CHECK(*rest == 6000);
  CHECK(std::filesystem::exists(cam.recording_dir() / c));
  CHECK(cam.files_in(ledger::file_state::sealed) == std::vector<std::string>{c});
  // A reclaimed file is no longer served.
  CHECK(expect_error(cam.handler().handle(msg::file_request{a, 0, 10}, dock.public_key())).code == core::errc::not_found);
}

TEST_CASE("power_cut_between_reclaim_record_and_unlink: the next reclaim removes the leftover", "[integration]") {
  temp_dir dir;
  camera_fixture cam("cam-1", 1, dir.path());
  const auto a = cam.add_segment(4000);
  const auto end = cam.record_count();
  crypto::software_signer dock(fixed_key(50));
  cam.trust_dock("dock-1", dock.public_key());
  auto good = make_receipt(cam, dock, 0, end, objects_of(cam, {a}));
  REQUIRE(std::holds_alternative<msg::appended_response>(cam.handler().handle(msg::receipt_request{good.document}, dock.public_key())));
  const auto bytes = *core::read_file(cam.recording_dir() / a, 1 << 20);
  auto freed = cam.reclaimer().reclaim_space(1);
  REQUIRE(freed.has_value());
  CHECK(*freed == 4000);
  // As if the power had gone after the reclaim record committed and before the unlink reached the disk.
  REQUIRE(core::write_file_durably(cam.recording_dir() / a, bytes).has_value());
  const auto count = cam.record_count();
  auto again = cam.reclaimer().reclaim_space(1);
  REQUIRE(again.has_value());
  CHECK(*again == 4000);
  CHECK_FALSE(std::filesystem::exists(cam.recording_dir() / a));
  CHECK(cam.record_count() == count);  // no second reclaim record for the same file
}
