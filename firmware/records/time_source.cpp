#include "firmware/records/time_source.hpp"

#include <ctime>
#include <string_view>

namespace bodycam::firmware::records {

using namespace bodycam::common;

record::nanoseconds system_time_source::monotonic() const {
  timespec ts{};
  ::clock_gettime(CLOCK_BOOTTIME, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

record::utc_claim system_time_source::utc() const {
  const auto now = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  if (now < build_date_)
    return {now, record::utc_source::unset, std::chrono::milliseconds(0), std::chrono::milliseconds(0)};
  // An RTC with no dock sync yet: claim a generous bound (a typical RTC drifts a few seconds a day).
  return {now, record::utc_source::rtc_only, std::chrono::milliseconds(0), std::chrono::seconds(60)};
}

record::utc_time firmware_build_date() {
  constexpr std::string_view date = __DATE__;  // "Mmm dd yyyy"
  constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
  std::tm tm{};
  tm.tm_mon = static_cast<int>(months.find(date.substr(0, 3)) / 3);
  tm.tm_mday = (date[4] == ' ' ? 0 : date[4] - '0') * 10 + (date[5] - '0');
  tm.tm_year = (date[7] - '0') * 1000 + (date[8] - '0') * 100 + (date[9] - '0') * 10 + (date[10] - '0') - 1900;
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::from_time_t(timegm(&tm)));
}

}  // namespace bodycam::firmware::records
