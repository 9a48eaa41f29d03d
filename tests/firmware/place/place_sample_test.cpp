// gpsd's fixes in the record's units (firmware/place/place_sample.hpp): rounding to 1e-7 degree and to the
// millimetre, unknown (NaN) values, out-of-range positions, the record a sample means and the OSD line.
#include "firmware/place/place_sample.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace bodycam::firmware::place;
namespace record = bodycam::common::record;

namespace {
const double unknown = std::numeric_limits<double>::quiet_NaN();
const record::utc_time at = record::utc_time(std::chrono::seconds(1'800'000'000));
}  // namespace

TEST_CASE("a 3d fix: degrees to 1e-7, metres to millimetres, accuracy known") {
  const auto f = place_fix_from_gpsd(3, 48.1372, 11.5755, 519.0, 4.2, at);
  CHECK(f.quality == record::fix_quality::fix_3d);
  CHECK(f.latitude_e7 == 481'372'000);
  CHECK(f.longitude_e7 == 115'755'000);
  CHECK(f.altitude_mm == 519'000);
  REQUIRE(f.horizontal_accuracy_mm.has_value());
  CHECK(*f.horizontal_accuracy_mm == 4'200);
  CHECK(f.gnss_utc == at);
}

TEST_CASE("south and west are negative; rounding is to the nearest 1e-7 degree") {
  const auto f = place_fix_from_gpsd(2, -33.85678, -151.21530, unknown, unknown, at);
  CHECK(f.quality == record::fix_quality::fix_2d);
  CHECK(f.latitude_e7 == -338'567'800);
  CHECK(f.longitude_e7 == -1'512'153'000);
  CHECK(f.altitude_mm == 0);
  CHECK_FALSE(f.horizontal_accuracy_mm.has_value());
  CHECK(place_fix_from_gpsd(2, 0.00000004, 0.00000006, unknown, unknown, at).latitude_e7 == 0);
  CHECK(place_fix_from_gpsd(2, 0.00000004, 0.00000006, unknown, unknown, at).longitude_e7 == 1);
}

TEST_CASE("no fix, unknown or impossible positions are no fix; an unknown altitude makes a 3d fix 2d") {
  CHECK(place_fix_from_gpsd(0, 48.0, 11.0, 500.0, 3.0, at).quality == record::fix_quality::none);
  CHECK(place_fix_from_gpsd(1, 48.0, 11.0, 500.0, 3.0, at).quality == record::fix_quality::none);
  CHECK(place_fix_from_gpsd(3, unknown, 11.0, 500.0, 3.0, at).quality == record::fix_quality::none);
  CHECK(place_fix_from_gpsd(3, 48.0, unknown, 500.0, 3.0, at).quality == record::fix_quality::none);
  CHECK(place_fix_from_gpsd(3, 90.5, 11.0, 500.0, 3.0, at).quality == record::fix_quality::none);
  CHECK(place_fix_from_gpsd(3, 48.0, 180.5, 500.0, 3.0, at).quality == record::fix_quality::none);
  const auto no_fix = place_fix_from_gpsd(1, 48.0, 11.0, 500.0, 3.0, at);
  CHECK(no_fix.latitude_e7 == 0);
  CHECK(no_fix.longitude_e7 == 0);
  const auto flat = place_fix_from_gpsd(3, 48.0, 11.0, unknown, 3.0, at);
  CHECK(flat.quality == record::fix_quality::fix_2d);
  CHECK(flat.altitude_mm == 0);
  CHECK_FALSE(place_fix_from_gpsd(3, 48.0, 11.0, 1.0, -1.0, at).horizontal_accuracy_mm.has_value());
  CHECK_FALSE(place_fix_from_gpsd(3, 48.0, 11.0, 1.0, 1e12, at).horizontal_accuracy_mm.has_value());
}

TEST_CASE("the record a sample means: the fix as it is, or none with the reason the receiver is gone") {
  record::session_id session;
  session.bytes.fill(7);
  place_sample up{true, "", place_fix_from_gpsd(3, 48.1372, 11.5755, 519.0, 4.2, at)};
  auto p = place_record(session, record::place_trigger::interval, up);
  CHECK(p.session == session);
  CHECK(p.trigger == record::place_trigger::interval);
  CHECK(p.fix == record::fix_quality::fix_3d);
  CHECK(p.latitude_e7 == 481'372'000);
  CHECK(p.altitude_mm == 519'000);
  CHECK(p.horizontal_accuracy_known);
  CHECK(p.horizontal_accuracy_mm == 4'200);
  CHECK(p.detail.empty());
  CHECK(condition_of(up) == place_condition::fix);
  CHECK(place_osd_text(up) == "POS 48.1372000 N 11.5755000 E");

  place_sample gone{false, "gpsd 127.0.0.1:1: connect: Connection refused", up.fix};
  auto q = place_record(session, record::place_trigger::source_lost, gone);
  CHECK(q.fix == record::fix_quality::none);
  CHECK(q.latitude_e7 == 0);
  CHECK_FALSE(q.horizontal_accuracy_known);
  CHECK(q.detail == "gpsd 127.0.0.1:1: connect: Connection refused");
  CHECK(condition_of(gone) == place_condition::source_lost);
  CHECK(place_osd_text(gone) == "NO GNSS");

  place_sample none{true, "", place_fix_from_gpsd(1, unknown, unknown, unknown, unknown, at)};
  CHECK(condition_of(none) == place_condition::no_fix);
  CHECK(place_osd_text(none) == "NO FIX");
  CHECK(place_record(session, record::place_trigger::segment, none).fix == record::fix_quality::none);
}
