// Formats place records in words (place_text.hpp). Pure: integer arithmetic only, so the text of a record is
// the same on every machine.
#include "common/record/place_text.hpp"

#include <cstdio>
#include <cstdlib>

namespace bodycam::common::record {

namespace {

std::string degrees(std::int64_t e7, char positive, char negative) {
  const auto magnitude = static_cast<unsigned long long>(e7 < 0 ? -e7 : e7);
  char text[48];
  std::snprintf(text, sizeof text, "%llu.%07llu %c", magnitude / 10'000'000ULL, magnitude % 10'000'000ULL,
                e7 < 0 ? negative : positive);
  return text;
}

std::string metres(std::int64_t mm) {
  const auto magnitude = static_cast<unsigned long long>(mm < 0 ? -mm : mm);
  char text[48];
  std::snprintf(text, sizeof text, "%s%llu.%llu m", mm < 0 ? "-" : "", magnitude / 1000ULL, (magnitude % 1000ULL) / 100ULL);
  return text;
}

}  // namespace

std::string place_position_text(fix_quality fix, std::int64_t latitude_e7, std::int64_t longitude_e7) {
  if (fix == fix_quality::none) return "no fix";
  return degrees(latitude_e7, 'N', 'S') + " " + degrees(longitude_e7, 'E', 'W');
}

std::string place_text(const place_payload& p) {
  std::string t = place_position_text(p.fix, p.latitude_e7, p.longitude_e7);
  if (p.fix != fix_quality::none) {
    t += ", " + std::string(to_string(p.fix));
    if (p.horizontal_accuracy_known) t += ", ±" + metres(static_cast<std::int64_t>(p.horizontal_accuracy_mm));
    if (p.fix == fix_quality::fix_3d) t += ", alt " + metres(p.altitude_mm);
  }
  t += " (" + std::string(to_string(p.trigger)) + ")";
  if (!p.detail.empty()) t += ": " + p.detail;
  return t;
}

}  // namespace bodycam::common::record
