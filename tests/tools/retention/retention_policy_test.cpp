// The retention policy (tools/retention): nothing young or held expires; a session expires whole.
#include "common/record/record_json.hpp"
#include "tools/retention/retention_policy.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace retention_policy_test {

using namespace bodycam::common;
namespace rt = bodycam::tools::retention;
using namespace std::chrono_literals;

namespace {

const auto t0 = record::utc_time(std::chrono::sys_days(std::chrono::year(2026) / 1 / 10).time_since_epoch());
const auto cam1 = record::device_id::parse("cam-0001").value();
const auto cam2 = record::device_id::parse("cam-0002").value();

record::session_id session(std::uint8_t n) {
  record::session_id s;
  s.bytes[0] = n;
  return s;
}

rt::media_item item(const record::device_id& d, std::uint8_t s, std::uint64_t seq, record::utc_time t) {
  return {d, session(s), seq, "f" + std::to_string(seq), crypto::sha256(std::to_string(seq)), 10, t};
}

std::vector<rt::outcome> outcomes(const std::vector<rt::decision>& ds) {
  std::vector<rt::outcome> out;
  for (const auto& d : ds) out.push_back(d.result);
  return out;
}

rt::outcome only_outcome(const std::vector<rt::media_item>& items, const std::vector<rt::hold>& holds,
                         record::utc_time now, std::chrono::days keep_for = rt::minimum_retention) {
  const auto ds = rt::decide(items, holds, now, keep_for).value();
  REQUIRE(ds.size() == items.size());
  return ds.front().result;
}

rt::hold range_hold(const record::device_id& d, record::utc_time from, record::utc_time to) {
  return {"retention/clerk-1.0", "complaint", d, {}, from, to};
}

}  // namespace

TEST_CASE("media expire after the retention period unless held; a session ages from its end") {
  const auto now = t0 + std::chrono::days(200);
  const std::vector<rt::media_item> items{
      item(cam1, 1, 3, t0), item(cam1, 1, 4, t0 + std::chrono::hours(1)),  // old session
      item(cam1, 2, 9, t0 + std::chrono::days(190)),                       // young
      item(cam2, 3, 5, t0), item(cam2, 4, 7, t0 + std::chrono::days(1))};  // cam2: held below
  SECTION("no holds: the old sessions expire, the young one stays") {
    CHECK(outcomes(rt::decide(items, {}, now, rt::minimum_retention).value()) ==
          std::vector{rt::outcome::expire, rt::outcome::expire, rt::outcome::keep_young, rt::outcome::expire,
                      rt::outcome::expire});
  }
  SECTION("a session hold and an open-ended device range hold keep theirs indefinitely") {
    const std::vector<rt::hold> holds{{"retention/clerk-1.0", "evidence", cam1, session(1), {}, {}},
                                      {"retention/clerk-1.1", "legal_hold", cam2, {}, t0 + std::chrono::hours(12), {}}};
    const auto ds = rt::decide(items, holds, t0 + std::chrono::days(5000), rt::minimum_retention).value();
    CHECK(outcomes(ds) == std::vector{rt::outcome::keep_held, rt::outcome::keep_held, rt::outcome::expire,
                                      rt::outcome::expire, rt::outcome::keep_held});
    CHECK(ds[0].why == "held: evidence (retention/clerk-1.0)");
  }
  SECTION("a bounded range hold covering one file of a session holds the whole session") {
    const std::vector<rt::hold> holds{
        {"retention/c.0", "complaint", cam1, {}, t0 + std::chrono::minutes(30), t0 + std::chrono::hours(2)}};
    CHECK(outcomes(rt::decide(items, holds, now, rt::minimum_retention).value())[0] == rt::outcome::keep_held);
  }
  SECTION("the last file of a session keeps the first one too (the session ages from its end)") {
    const std::vector<rt::media_item> spanning{item(cam1, 1, 3, t0), item(cam1, 1, 4, t0 + std::chrono::days(100))};
    CHECK(outcomes(rt::decide(spanning, {}, t0 + std::chrono::days(190), rt::minimum_retention).value()) ==
          std::vector{rt::outcome::keep_young, rt::outcome::keep_young});
  }
  SECTION("a policy shorter than six months is refused") {
    auto r = rt::decide(items, {}, now, std::chrono::days(182));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == core::errc::invalid_argument);
  }
}

// Edge cases: the exact day a session becomes old enough, the inclusive ends of a range hold, holds that name
// another device or session, and what the decisions say about themselves.
TEST_CASE("a session expires on the exact day its retention ends, not a millisecond before") {
  const std::vector<rt::media_item> items{item(cam1, 1, 3, t0)};
  const auto end = t0 + rt::minimum_retention;
  CHECK(only_outcome(items, {}, end - 1ms) == rt::outcome::keep_young);
  CHECK(only_outcome(items, {}, end) == rt::outcome::expire);
  const auto young = rt::decide(items, {}, end - 1ms, rt::minimum_retention).value();
  CHECK(young[0].why == "kept until " + record::format_utc(end));
  const auto old = rt::decide(items, {}, end, rt::minimum_retention).value();
  CHECK(old[0].why == "older than 183 days and not held");
}

TEST_CASE("exactly the minimum retention is accepted; a longer one keeps media longer") {
  const std::vector<rt::media_item> items{item(cam1, 1, 3, t0)};
  const auto now = t0 + std::chrono::days(200);
  CHECK(only_outcome(items, {}, now, rt::minimum_retention) == rt::outcome::expire);
  CHECK(only_outcome(items, {}, now, std::chrono::days(365)) == rt::outcome::keep_young);
  auto refused = rt::decide(items, {}, now, rt::minimum_retention - std::chrono::days(1));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().context == "retention of 182 days is shorter than the 183-day minimum");
}

TEST_CASE("a range hold includes both its ends and nothing past them") {
  const auto from = t0 + 1h;
  const auto to = t0 + 2h;
  const auto now = t0 + std::chrono::days(1000);
  const std::vector<rt::hold> holds{range_hold(cam1, from, to)};
  CHECK(only_outcome({item(cam1, 1, 1, from)}, holds, now) == rt::outcome::keep_held);
  CHECK(only_outcome({item(cam1, 2, 2, to)}, holds, now) == rt::outcome::keep_held);
  CHECK(only_outcome({item(cam1, 3, 3, from - 1ms)}, holds, now) == rt::outcome::expire);
  CHECK(only_outcome({item(cam1, 4, 4, to + 1ms)}, holds, now) == rt::outcome::expire);
}

TEST_CASE("a hold keeps only what it names: another device's or another session's media still expire") {
  const auto now = t0 + std::chrono::days(1000);
  // The same session id on two devices is two sessions.
  const std::vector<rt::media_item> items{item(cam1, 1, 1, t0), item(cam2, 1, 1, t0), item(cam1, 2, 2, t0)};
  const std::vector<rt::hold> holds{{"retention/clerk-1.4", "evidence", cam1, session(1), {}, {}}};
  const auto ds = rt::decide(items, holds, now, rt::minimum_retention).value();
  REQUIRE(ds.size() == 3);
  CHECK(ds[0].result == rt::outcome::keep_held);
  CHECK(ds[0].why == "held: evidence (retention/clerk-1.4)");
  CHECK(ds[1].result == rt::outcome::expire);
  CHECK(ds[2].result == rt::outcome::expire);
  SECTION("an open-ended range hold on cam2 does not reach cam1") {
    const auto both = rt::decide(items, {range_hold(cam2, t0 - 1h, {})}, now, rt::minimum_retention).value();
    CHECK(both[0].result == rt::outcome::expire);
    CHECK(both[1].result == rt::outcome::keep_held);
    CHECK(both[2].result == rt::outcome::expire);
  }
}

TEST_CASE("a held session stays whole even when its first file is the one a range hold misses") {
  // Files at t0 and t0+3h; the hold covers only the later one.
  const std::vector<rt::media_item> items{item(cam1, 1, 1, t0), item(cam1, 1, 2, t0 + 3h)};
  const auto ds =
      rt::decide(items, {range_hold(cam1, t0 + 2h, t0 + 4h)}, t0 + std::chrono::days(1000), rt::minimum_retention)
          .value();
  CHECK(ds[0].result == rt::outcome::keep_held);
  CHECK(ds[1].result == rt::outcome::keep_held);
}

TEST_CASE("decisions keep the input order and items; nothing in, nothing out") {
  CHECK(rt::decide({}, {}, t0, rt::minimum_retention).value().empty());
  const std::vector<rt::media_item> items{item(cam2, 9, 40, t0), item(cam1, 1, 7, t0 + 1h)};
  const auto ds = rt::decide(items, {}, t0 + std::chrono::days(1), rt::minimum_retention).value();
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].item.seq == 40);
  CHECK(ds[0].item.device == cam2);
  CHECK(ds[1].item.file_name == "f7");
  CHECK(rt::to_string(rt::outcome::expire) == "expire");
  CHECK(rt::to_string(rt::outcome::keep_young) == "keep_young");
  CHECK(rt::to_string(rt::outcome::keep_held) == "keep_held");
}

}  // namespace retention_policy_test
