// The clocks a record's header needs: monotonic time of this boot and the claimed UTC with its source and
// error bound (DESIGN.md §3). A port, so tests can drive time; the real one reads CLOCK_BOOTTIME and the
// system clock.
// UTC source rules (before the dock's time sync): a system clock earlier than the firmware
// build date is `unset` (a camera whose RTC lost power reports 1970); otherwise `rtc_only`.
#pragma once

#include "common/record/record.hpp"

namespace bodycam::firmware::recorder {

class time_source {
 public:
  virtual ~time_source() = default;
  [[nodiscard]] virtual common::record::nanoseconds monotonic() const = 0;
  [[nodiscard]] virtual common::record::utc_claim utc() const = 0;
};

class system_time_source final : public time_source {
 public:
  explicit system_time_source(common::record::utc_time build_date) : build_date_(build_date) {}
  [[nodiscard]] common::record::nanoseconds monotonic() const override;
  [[nodiscard]] common::record::utc_claim utc() const override;

 private:
  common::record::utc_time build_date_;
};

// The firmware's build date (from the compiler's __DATE__), the earliest UTC a sane clock can show.
[[nodiscard]] common::record::utc_time firmware_build_date();

}  // namespace bodycam::firmware::recorder
