// Which items a hold keeps at the storage engine (tools/retention/legal_hold_items.hpp): a touched session is
// held whole, files and records; a range hold keeps what it covers; a release lets go only of what no other
// hold in force keeps.
#include "tools/retention/legal_hold_items.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace legal_hold_items_test {

using namespace bodycam::common;
namespace rt = bodycam::tools::retention;

namespace {

const auto t0 = record::utc_time(std::chrono::sys_days(std::chrono::year(2026) / 3 / 1).time_since_epoch());
const auto cam1 = record::device_id::parse("cam-0001").value();
const auto cam2 = record::device_id::parse("cam-0002").value();

record::session_id session(std::uint8_t n) {
  record::session_id s;
  s.bytes[0] = n;
  return s;
}

rt::media_item file(const record::device_id& d, std::uint8_t s, std::uint64_t seq, record::utc_time t) {
  return {d, session(s), seq, "f" + std::to_string(seq), crypto::sha256(std::to_string(seq)), 10, t};
}

// A record: session 0 means none (boot, precheck).
rt::media_item rec(const record::device_id& d, std::uint8_t s, std::uint64_t seq, record::utc_time t) {
  return {d, s == 0 ? record::session_id{} : session(s), seq, {}, {}, 0, t};
}

using record_list = std::vector<std::pair<record::device_id, std::uint64_t>>;

}  // namespace

TEST_CASE("a session hold keeps every file and record of that session and nothing of another") {
  const std::vector<rt::media_item> media{file(cam1, 1, 3, t0), file(cam1, 1, 4, t0), file(cam1, 2, 8, t0),
                                          file(cam2, 1, 3, t0)};
  const std::vector<rt::media_item> records{rec(cam1, 0, 1, t0), rec(cam1, 1, 2, t0), rec(cam1, 1, 3, t0),
                                            rec(cam1, 1, 4, t0), rec(cam1, 1, 5, t0), rec(cam1, 2, 8, t0),
                                            rec(cam2, 1, 3, t0)};
  const rt::hold h{"retention/clerk-1.0", "evidence", cam1, session(1), {}, {}};
  const auto held = rt::items_held_by({h}, media, records);
  CHECK(held.objects == std::vector{crypto::sha256("3"), crypto::sha256("4")});
  CHECK(held.records == record_list{{cam1, 2}, {cam1, 3}, {cam1, 4}, {cam1, 5}});
}

TEST_CASE("a range hold holds whole the sessions it touches, and the sessionless records in its range") {
  const std::vector<rt::media_item> media{file(cam1, 1, 3, t0), file(cam1, 1, 4, t0 + std::chrono::hours(2)),
                                          file(cam1, 2, 8, t0 + std::chrono::days(3))};
  const std::vector<rt::media_item> records{rec(cam1, 0, 1, t0 - std::chrono::hours(1)), rec(cam1, 0, 2, t0),
                                            rec(cam1, 1, 3, t0), rec(cam1, 1, 4, t0 + std::chrono::hours(2)),
                                            rec(cam1, 2, 8, t0 + std::chrono::days(3))};
  const rt::hold h{"retention/clerk-1.1", "complaint", cam1, {}, t0, t0 + std::chrono::minutes(1)};
  const auto held = rt::items_held_by({h}, media, records);
  // Session 1 is touched at t0 and held whole, seq 4 two hours later included; session 2 and seq 1 are not.
  CHECK(held.objects == std::vector{crypto::sha256("3"), crypto::sha256("4")});
  CHECK(held.records == record_list{{cam1, 2}, {cam1, 3}, {cam1, 4}});
}

TEST_CASE("releasing one of two holds on a session lets go of nothing; releasing the last lets go of it all") {
  const std::vector<rt::media_item> media{file(cam1, 1, 3, t0), file(cam1, 2, 8, t0)};
  const std::vector<rt::media_item> records{rec(cam1, 1, 3, t0), rec(cam1, 2, 8, t0)};
  const rt::hold first{"retention/clerk-1.0", "evidence", cam1, session(1), {}, {}};
  const rt::hold second{"retention/clerk-1.4", "legal_hold", cam1, {}, t0, {}};  // both sessions
  const auto none = rt::items_released({first}, {second}, media, records);
  CHECK(none.objects.empty());
  CHECK(none.records.empty());
  const auto all = rt::items_released({second}, {}, media, records);
  CHECK(all.objects == std::vector{crypto::sha256("3"), crypto::sha256("8")});
  CHECK(all.records == record_list{{cam1, 3}, {cam1, 8}});
  const auto only_two = rt::items_released({second}, {first}, media, records);
  CHECK(only_two.objects == std::vector{crypto::sha256("8")});
  CHECK(only_two.records == record_list{{cam1, 8}});
}

}  // namespace legal_hold_items_test
