// The clock the dock's scheduler reads: a port, so the deadline logic and its tests run on simulated time.
// `system_schedule_clock` reads the real UTC clock; `manual_clock` only moves when a test moves it.
// Guarantees: manual_clock never goes backwards (set() to an earlier time is refused), so alarm transitions
// seen on it happen in time order.
#pragma once

#include "common/core/error.hpp"

#include <chrono>

namespace bodycam::ingest::schedule {

// UTC, nanoseconds since the Unix epoch: the same type as record::utc_time.
using utc_time = std::chrono::sys_time<std::chrono::nanoseconds>;

class schedule_clock {
 public:
  virtual ~schedule_clock() = default;
  [[nodiscard]] virtual utc_time now() const = 0;
};

class system_schedule_clock final : public schedule_clock {
 public:
  [[nodiscard]] utc_time now() const override;
};

class manual_clock final : public schedule_clock {
 public:
  explicit manual_clock(utc_time start) noexcept : now_(start) {}
  [[nodiscard]] utc_time now() const override { return now_; }
  void advance(std::chrono::nanoseconds by) noexcept;   // negative steps are ignored
  [[nodiscard]] common::core::status set(utc_time to);  // invalid_argument if `to` is before now()

 private:
  utc_time now_;
};

}  // namespace bodycam::ingest::schedule
