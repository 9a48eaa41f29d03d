#include "firmware/session/tone.hpp"

#include <array>
#include <cmath>
#include <numbers>

namespace bodycam::firmware::session {

namespace {

using std::chrono::milliseconds;

constexpr std::array<tone_step, 2> prompt_tones{
    {{880, milliseconds(150), milliseconds(50)}, {1320, milliseconds(150), milliseconds(0)}}};
constexpr std::array<tone_step, 1> beep_tones{{{1000, milliseconds(100), milliseconds(0)}}};
constexpr std::array<tone_step, 3> alarm_tones{{{440, milliseconds(250), milliseconds(80)},
                                                {440, milliseconds(250), milliseconds(80)},
                                                {440, milliseconds(250), milliseconds(0)}}};

constexpr milliseconds total_duration(std::span<const tone_step> steps) {
  milliseconds total{0};
  for (const auto& s : steps) total += s.duration + s.gap_after;
  return total;
}
// Invariant 3: no sound is longer than max_tone_duration.
static_assert(total_duration(prompt_tones) <= max_tone_duration);
static_assert(total_duration(beep_tones) <= max_tone_duration);
static_assert(total_duration(alarm_tones) <= max_tone_duration);

std::size_t samples_for(milliseconds d, int sample_rate) {
  return static_cast<std::size_t>(d.count()) * static_cast<std::size_t>(sample_rate) / 1000U;
}

}  // namespace

std::span<const tone_step> tone_plan(feedback_signal what) noexcept {
  switch (what) {
    case feedback_signal::prompt: return prompt_tones;
    case feedback_signal::beep: return beep_tones;
    case feedback_signal::alarm: return alarm_tones;
    case feedback_signal::alarm_clear:
    case feedback_signal::led_recording:
    case feedback_signal::led_idle:
    case feedback_signal::vibrate: return {};
  }
  return {};
}

std::vector<std::int16_t> tone_samples(feedback_signal what, int sample_rate) {
  std::vector<std::int16_t> out;
  if (sample_rate < 8000 || sample_rate > 192000) return out;
  const auto fade = samples_for(tone_fade, sample_rate);
  for (const auto& step : tone_plan(what)) {
    const auto n = samples_for(step.duration, sample_rate);
    const double w = 2.0 * std::numbers::pi * step.frequency_hz / sample_rate;
    for (std::size_t i = 0; i < n; ++i) {
      // Invariant 1: linear fade over the first and last `fade` samples (the last sample is 0).
      double gain = 1.0;
      if (i < fade) gain = static_cast<double>(i) / static_cast<double>(fade);
      const std::size_t left = n - 1 - i;
      if (left < fade) gain = std::min(gain, static_cast<double>(left) / static_cast<double>(fade));
      // Invariant 2: |sin| ≤ 1 and gain ≤ 1, so |sample| ≤ tone_peak.
      out.push_back(static_cast<std::int16_t>(std::lround(tone_peak * gain * std::sin(w * static_cast<double>(i)))));
    }
    out.insert(out.end(), samples_for(step.gap_after, sample_rate), std::int16_t{0});
  }
  return out;
}

}  // namespace bodycam::firmware::session
