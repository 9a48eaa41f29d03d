// The real and the manual schedule clocks.
#include "ingest/schedule/schedule_clock.hpp"

namespace bodycam::ingest::schedule {

utc_time system_schedule_clock::now() const {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

void manual_clock::advance(std::chrono::nanoseconds by) noexcept {
  if (by > std::chrono::nanoseconds::zero()) now_ += by;
}

common::core::status manual_clock::set(utc_time to) {
  if (to < now_)
    return common::core::fail(common::core::errc::invalid_argument, "set manual clock: time would go backwards");
  now_ = to;
  return {};
}

}  // namespace bodycam::ingest::schedule
