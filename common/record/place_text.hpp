// A place in words, the same everywhere it is shown: the chain report's story line, the audit's session
// view and the camera's OSD. Degrees with seven decimals (the record's own resolution, so the text loses
// nothing), hemisphere letters instead of signs, and "no fix" when the receiver had none.
#pragma once

#include "common/record/payloads.hpp"

#include <string>

namespace bodycam::common::record {

// "48.1372000 N 11.5755000 E" — or "no fix" when fix == none.
[[nodiscard]] std::string place_position_text(fix_quality fix, std::int64_t latitude_e7, std::int64_t longitude_e7);

// The position, then "3d, ±4.2 m, alt 519.0 m" as far as known, then the trigger: one line per record.
[[nodiscard]] std::string place_text(const place_payload& p);

}  // namespace bodycam::common::record
