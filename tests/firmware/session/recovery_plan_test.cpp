// Salvage planning: the verified prefix of fragments, the unsigned tail, and finding a session left open.
#include "firmware/session/recovery_plan.hpp"

#include "common/crypto/merkle.hpp"

#include <catch2/catch.hpp>

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
