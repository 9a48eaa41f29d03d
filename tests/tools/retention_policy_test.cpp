// The retention policy (tools/retention): nothing young or held expires; a session expires whole.
#include "tools/retention/retention_policy.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common;
namespace rt = bodycam::tools::retention;

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
