// What a place source reports at one moment: whether the receiver (gpsd) can be reached, and the latest fix
// in the record's units (1e-7 degrees, millimetres). The conversion from gpsd's doubles is here, pure, so it
// is tested without a receiver: NaN or out-of-range values never become a position.
#pragma once

#include "common/record/payloads.hpp"

#include <optional>
#include <string>

namespace bodycam::firmware::place {

struct place_fix {
  common::record::fix_quality quality = common::record::fix_quality::none;
  std::int64_t latitude_e7 = 0;
  std::int64_t longitude_e7 = 0;
  std::int64_t altitude_mm = 0;  // 0 unless quality is fix_3d
  std::optional<std::uint32_t> horizontal_accuracy_mm;
  common::record::utc_time gnss_utc{};  // the epoch when the receiver gave no time
};

struct place_sample {
  bool source_up = false;
  std::string detail;  // why the source is down, "" while it is up
  place_fix fix;
};

// The three conditions place_policy tells apart.
enum class place_condition : std::uint8_t { fix, no_fix, source_lost };

[[nodiscard]] place_condition condition_of(const place_sample& s) noexcept;

// gpsd's view of a fix (mode 0 unknown, 1 none, 2 2d, 3 3d; degrees; metres; NaN = unknown) in the record's
// units. A fix whose latitude or longitude is NaN or out of range is no fix; an unknown altitude makes a 3d
// fix 2d; an unknown or negative accuracy is unknown.
[[nodiscard]] place_fix place_fix_from_gpsd(int mode, double latitude, double longitude, double altitude_msl_m,
                                            double horizontal_error_m, common::record::utc_time time);

// The record this sample means for `session` and `trigger` (position fields 0 when there is no fix).
[[nodiscard]] common::record::place_payload place_record(const common::record::session_id& session,
                                                         common::record::place_trigger trigger,
                                                         const place_sample& sample);

// The OSD line: "POS 48.1372000 N 11.5755000 E", "NO FIX" or "NO GNSS" — only letters, digits, spaces and
// dots, so drawtext and its command parser take it literally.
[[nodiscard]] std::string place_osd_text(const place_sample& sample);

}  // namespace bodycam::firmware::place
