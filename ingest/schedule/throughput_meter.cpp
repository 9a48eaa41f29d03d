// EWMA of bytes per second (see throughput_meter.hpp for the guarantees).
#include "ingest/schedule/throughput_meter.hpp"

#include <cmath>
#include <limits>

namespace bodycam::ingest::schedule {

namespace {
constexpr double min_rate = 1.0;  // bytes per second; keeps time_for finite
}

throughput_meter::throughput_meter(throughput_options options) noexcept
    : alpha_(options.alpha > 0 && options.alpha <= 1 ? options.alpha : 0.2),
      rate_(std::isfinite(options.initial_bytes_per_second) && options.initial_bytes_per_second >= min_rate
                ? options.initial_bytes_per_second
                : min_rate) {}

void throughput_meter::add_sample(std::uint64_t bytes, std::chrono::nanoseconds took) noexcept {
  if (bytes == 0 || took <= std::chrono::nanoseconds::zero()) return;
  const double seconds = std::chrono::duration<double>(took).count();
  const double sample = static_cast<double>(bytes) / seconds;
  if (!std::isfinite(sample)) return;
  // The first sample replaces the configured guess; later ones are blended.
  rate_ = samples_ == 0 ? sample : alpha_ * sample + (1 - alpha_) * rate_;
  if (rate_ < min_rate) rate_ = min_rate;
  ++samples_;
}

std::chrono::nanoseconds throughput_meter::time_for(std::uint64_t bytes) const noexcept {
  const double ns = std::ceil(static_cast<double>(bytes) / rate_ * 1e9);
  constexpr double max_ns = static_cast<double>(std::numeric_limits<std::int64_t>::max()) / 4;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(ns < max_ns ? ns : max_ns));
}

}  // namespace bodycam::ingest::schedule
