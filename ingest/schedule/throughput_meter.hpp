// The dock's measured upload throughput: an exponentially weighted moving average (EWMA) of bytes per
// second over completed transfers. Pure (no clock of its own: the caller passes what it measured).
// Guarantees: the rate is always finite and positive; before the first sample it is the configured
// `initial_bytes_per_second`; samples of zero duration or zero bytes are ignored, so a stalled store does not
// change the estimate (the scheduler sees a stall as time passing with nothing done, which shrinks slack).
#pragma once

#include <chrono>
#include <cstdint>

namespace bodycam::ingest::schedule {

struct throughput_options {
  double alpha = 0.2;                                    // weight of the newest sample, 0 < alpha <= 1
  double initial_bytes_per_second = 20.0 * 1024 * 1024;  // used until the first sample
};

class throughput_meter {
 public:
  explicit throughput_meter(throughput_options options = {}) noexcept;

  // One completed transfer of `bytes` that took `took`.
  void add_sample(std::uint64_t bytes, std::chrono::nanoseconds took) noexcept;

  [[nodiscard]] double bytes_per_second() const noexcept { return rate_; }
  [[nodiscard]] std::uint64_t sample_count() const noexcept { return samples_; }
  // How long `bytes` take at the current rate (rounded up to whole nanoseconds).
  [[nodiscard]] std::chrono::nanoseconds time_for(std::uint64_t bytes) const noexcept;

 private:
  double alpha_;
  double rate_;
  std::uint64_t samples_ = 0;
};

}  // namespace bodycam::ingest::schedule
