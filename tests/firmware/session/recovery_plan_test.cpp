// Salvage planning: the verified prefix of fragments, the unsigned tail, and finding a session left open.
#include "firmware/session/recovery_plan.hpp"

#include "common/crypto/merkle.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace recovery_plan_test {

using namespace bodycam::firmware::session;
using namespace bodycam::common;

namespace {
crypto::sha256_digest digest(std::uint8_t b) {
  std::array<std::uint8_t, 1> one{b};
  return crypto::sha256(core::byte_view(one));
}

// init of 100 bytes, then fragments of 50 bytes with digests 1, 2, 3, ...
salvage_input scenario(std::size_t fragments, std::uint64_t file_size) {
  salvage_input in;
  in.file_size = file_size;
  in.init_length = 100;
  for (std::size_t i = 0; i < fragments; ++i) {
    in.fragments.push_back({"f.mp4", i, 100 + 50 * i, 50, digest(static_cast<std::uint8_t>(i + 1))});
    if (100 + 50 * (i + 1) <= file_size)
      in.on_disk.emplace_back(digest(static_cast<std::uint8_t>(i + 1)));
    else
      in.on_disk.emplace_back(std::nullopt);
  }
  return in;
}
}  // namespace

TEST_CASE("all fragments on disk, bytes after them: everything kept, the rest is unsigned tail") {
  const auto plan = plan_salvage(scenario(3, 280));
  CHECK(plan.kept_fragments == 3);
  CHECK(plan.signed_bytes == 250);
  CHECK(plan.unsigned_tail_bytes == 30);
  CHECK(plan.byte_length == 280);
  const std::vector<crypto::sha256_digest> leaves{digest(1), digest(2), digest(3)};
  CHECK(plan.fragment_root == crypto::merkle_root(leaves));
}

TEST_CASE("truncate_last_fragment: a fragment past the end of the file ends the prefix") {
  const auto plan = plan_salvage(scenario(3, 220));
  CHECK(plan.kept_fragments == 2);
  CHECK(plan.signed_bytes == 200);
  CHECK(plan.unsigned_tail_bytes == 20);
  CHECK(plan.detail.find("past the end") != std::string::npos);
}

TEST_CASE("flip_byte_in_fragment: a mismatch ends the prefix even if later fragments match") {
  auto in = scenario(4, 300);
  in.on_disk[1] = digest(99);
  const auto plan = plan_salvage(in);
  CHECK(plan.kept_fragments == 1);
  CHECK(plan.signed_bytes == 150);
  CHECK(plan.unsigned_tail_bytes == 150);
  CHECK(plan.signed_bytes + plan.unsigned_tail_bytes == plan.byte_length);
  CHECK(plan.detail.find("does not match") != std::string::npos);
}

TEST_CASE("no fragments: the header is signed-less prefix, everything else tail; empty file") {
  auto plan = plan_salvage(scenario(0, 130));
  CHECK(plan.kept_fragments == 0);
  CHECK(plan.signed_bytes == 100);
  CHECK(plan.unsigned_tail_bytes == 30);
  salvage_input empty;
  plan = plan_salvage(empty);
  CHECK(plan.byte_length == 0);
  CHECK(plan.unsigned_tail_bytes == 0);
}

TEST_CASE("a gap between fragments ends the prefix") {
  auto in = scenario(3, 300);
  in.fragments[2].byte_offset += 1;
  CHECK(plan_salvage(in).kept_fragments == 2);
}

TEST_CASE("find_open_session: the last start without a stop, with the next segment index") {
  record::session_id a, b;
  a.bytes[0] = 1;
  b.bytes[0] = 2;
  using k = record::record_kind;
  std::vector<record_summary> records{
      {k::boot, {}, 0, {}},          {k::session_start, a, 0, {}}, {k::segment, a, 0, {}},
      {k::session_stop, a, 0, {}},   {k::session_start, b, 0, {}}, {k::segment, b, 0, {}},
      {k::segment, b, 1, {}},        {k::interruption, {}, 0, record::utc_time(std::chrono::seconds(77))}};
  auto open = find_open_session(records);
  REQUIRE(open);
  CHECK(open->session == b);
  CHECK(open->next_segment_index == 2);
  CHECK(open->last_record_utc == record::utc_time(std::chrono::seconds(77)));
  records.push_back({k::session_stop, b, 0, {}});
  CHECK_FALSE(find_open_session(records));
  CHECK_FALSE(find_open_session({}));
}

namespace {
using k = record::record_kind;
using sr = record::stop_reason;
record::utc_time at_s(long long s) { return record::utc_time(std::chrono::seconds(s)); }
record_summary summary(k kind, const record::session_id& s, std::uint64_t seq, long long utc_s = 0,
                       std::uint32_t index = 0, sr stop = sr::officer_end) {
  return record_summary{kind, s, index, at_s(utc_s), seq, stop};
}
}  // namespace

TEST_CASE("find_resumable_stop: the last automatic stop with nothing started after it") {
  record::session_id a, b;
  a.bytes[0] = 1;
  b.bytes[0] = 2;
  for (const auto reason : {sr::low_battery, sr::storage_full, sr::fault}) {
    INFO(record::to_string(reason));
    CHECK(is_automatic_stop(reason));
    std::vector<record_summary> records{summary(k::boot, {}, 0),          summary(k::session_start, a, 1),
                                        summary(k::segment, a, 2, 10, 0), summary(k::segment, a, 3, 20, 1),
                                        summary(k::interruption, a, 4),
                                        summary(k::session_stop, a, 5, 100, 0, reason)};
    auto found = find_resumable_stop(records);
    REQUIRE(found);
    CHECK(found->session == a);
    CHECK(found->stop_seq == 5);
    CHECK(found->reason == reason);
    CHECK(found->stop_utc == at_s(100));
    CHECK(found->next_segment_index == 2);
    // A reboot in between (battery swap): boot, config, recovery records keep it resumable.
    records.push_back(summary(k::boot, {}, 6));
    records.push_back(summary(k::config, {}, 7));
    records.push_back(summary(k::precheck, {}, 8));
    CHECK(find_resumable_stop(records).has_value());
    // Once resumed (or a new session started) it is gone.
    auto resumed = records;
    resumed.push_back(summary(k::session_resume, a, 9));
    CHECK_FALSE(find_resumable_stop(resumed));
    auto started = records;
    started.push_back(summary(k::session_start, b, 9));
    CHECK_FALSE(find_resumable_stop(started));
  }
  for (const auto reason : {sr::officer_end, sr::shutdown}) {
    INFO(record::to_string(reason));
    CHECK_FALSE(is_automatic_stop(reason));
    std::vector<record_summary> records{summary(k::session_start, a, 0), summary(k::session_stop, a, 1, 5, 0, reason)};
    CHECK_FALSE(find_resumable_stop(records));
  }
  CHECK_FALSE(find_resumable_stop({}));
}

TEST_CASE("a resumed session stopped again resumes again; its segment index goes on across runs") {
  record::session_id a;
  a.bytes[0] = 7;
  std::vector<record_summary> records{summary(k::session_start, a, 0),
                                      summary(k::segment, a, 1, 0, 0),
                                      summary(k::session_stop, a, 2, 0, 0, sr::low_battery),
                                      summary(k::session_resume, a, 3),
                                      summary(k::segment, a, 4, 0, 1),
                                      summary(k::segment, a, 5, 0, 2)};
  // Power lost during the second run: recovery finds the session open with index 3 next.
  auto open = find_open_session(records);
  REQUIRE(open);
  CHECK(open->session == a);
  CHECK(open->next_segment_index == 3);
  records.push_back(summary(k::session_stop, a, 6, 50, 0, sr::storage_full));
  CHECK_FALSE(find_open_session(records));
  auto again = find_resumable_stop(records);
  REQUIRE(again);
  CHECK(again->stop_seq == 6);
  CHECK(again->next_segment_index == 3);
}

TEST_CASE("within_resume_window: up to and including the window; a clock set back counts as within") {
  resumable_stop stop;
  stop.stop_utc = at_s(1000);
  const std::chrono::milliseconds window = std::chrono::minutes(30);
  CHECK(within_resume_window(stop, at_s(1000), window));
  CHECK(within_resume_window(stop, at_s(1000 + 1800), window));
  CHECK_FALSE(within_resume_window(stop, at_s(1000 + 1801), window));
  CHECK(within_resume_window(stop, at_s(900), window));
  CHECK_FALSE(within_resume_window(stop, at_s(1001), std::chrono::milliseconds(0)));
}

}  // namespace recovery_plan_test
