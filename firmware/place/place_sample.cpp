// Converts gpsd's fixes into the record's units and words (place_sample.hpp). Pure.
#include "firmware/place/place_sample.hpp"

#include "common/record/place_text.hpp"

#include <cmath>
#include <limits>

namespace bodycam::firmware::place {

namespace record = common::record;

namespace {

bool in_range(double v, double limit) { return std::isfinite(v) && v >= -limit && v <= limit; }

std::int64_t scaled(double v, double factor) { return static_cast<std::int64_t>(std::llround(v * factor)); }

}  // namespace

place_condition condition_of(const place_sample& s) noexcept {
  if (!s.source_up) return place_condition::source_lost;
  return s.fix.quality == record::fix_quality::none ? place_condition::no_fix : place_condition::fix;
}

place_fix place_fix_from_gpsd(int mode, double latitude, double longitude, double altitude_msl_m,
                              double horizontal_error_m, record::utc_time time) {
  place_fix f;
  if (mode < 2 || !in_range(latitude, 90.0) || !in_range(longitude, 180.0)) return f;
  f.quality = mode >= 3 ? record::fix_quality::fix_3d : record::fix_quality::fix_2d;
  f.latitude_e7 = scaled(latitude, 1e7);
  f.longitude_e7 = scaled(longitude, 1e7);
  if (f.quality == record::fix_quality::fix_3d) {
    if (in_range(altitude_msl_m, 1e6)) f.altitude_mm = scaled(altitude_msl_m, 1e3);
    else f.quality = record::fix_quality::fix_2d;
  }
  if (std::isfinite(horizontal_error_m) && horizontal_error_m >= 0 &&
      horizontal_error_m * 1e3 <= static_cast<double>(std::numeric_limits<std::uint32_t>::max()))
    f.horizontal_accuracy_mm = static_cast<std::uint32_t>(std::llround(horizontal_error_m * 1e3));
  f.gnss_utc = time;
  return f;
}

record::place_payload place_record(const record::session_id& session, record::place_trigger trigger,
                                   const place_sample& sample) {
  record::place_payload p;
  p.session = session;
  p.trigger = trigger;
  if (!sample.source_up) {
    p.detail = sample.detail;
    return p;
  }
  const place_fix& f = sample.fix;
  p.fix = f.quality;
  if (f.quality != record::fix_quality::none) {
    p.latitude_e7 = f.latitude_e7;
    p.longitude_e7 = f.longitude_e7;
    p.altitude_mm = f.quality == record::fix_quality::fix_3d ? f.altitude_mm : 0;
    p.horizontal_accuracy_known = f.horizontal_accuracy_mm.has_value();
    p.horizontal_accuracy_mm = f.horizontal_accuracy_mm.value_or(0);
    p.gnss_utc = f.gnss_utc;
  }
  return p;
}

std::string place_osd_text(const place_sample& sample) {
  switch (condition_of(sample)) {
    case place_condition::source_lost: return "NO GNSS";
    case place_condition::no_fix: return "NO FIX";
    case place_condition::fix: break;
  }
  return "POS " + record::place_position_text(sample.fix.quality, sample.fix.latitude_e7, sample.fix.longitude_e7);
}

}  // namespace bodycam::firmware::place
