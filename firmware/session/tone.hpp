// The sounds of the feedback signals, as 16-bit mono PCM. Pure: no I/O, no libav.
// prompt = two rising tones (880 Hz, 1320 Hz), beep = one short 1 kHz tone, alarm = three long low tones
// (440 Hz); alarm_clear, the LED signals and vibrate are not audible and give no samples.
// Guarantees: (1) every tone is a sine with a 10 ms linear fade in and out, so it starts and ends at zero and
// does not click; (2) the peak is `tone_peak` (half of full scale), never clipped; (3) every sound lasts at
// most `max_tone_duration` (1 s), so a synchronous player blocks its caller for at most that long.
#pragma once

#include "firmware/session/feedback_signal.hpp"

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

namespace bodycam::firmware::session {

// One tone of a sound, followed by `gap_after` of silence.
struct tone_step {
  int frequency_hz = 0;
  std::chrono::milliseconds duration{0};
  std::chrono::milliseconds gap_after{0};
};

inline constexpr std::int16_t tone_peak = 16384;
inline constexpr std::chrono::milliseconds tone_fade{10};
inline constexpr std::chrono::milliseconds max_tone_duration{1000};

// The tones of a signal, in order; empty for signals that are not audible.
[[nodiscard]] std::span<const tone_step> tone_plan(feedback_signal what) noexcept;

// The samples of a signal at `sample_rate` (8000-192000 Hz; anything else gives no samples).
[[nodiscard]] std::vector<std::int16_t> tone_samples(feedback_signal what, int sample_rate);

}  // namespace bodycam::firmware::session
