// The feedback sounds: lengths, silence for the signals that are not audible, peak, fades, gaps and the
// frequency of each tone measured from zero crossings.
#include "firmware/session/tone.hpp"

#include <algorithm>
#include <cstdlib>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace tone_test {

using namespace bodycam::firmware::session;

namespace {

constexpr int rate = 48000;

std::size_t samples_of(std::chrono::milliseconds d) { return static_cast<std::size_t>(d.count()) * rate / 1000; }

int peak_of(const std::vector<std::int16_t>& s, std::size_t from, std::size_t to) {
  int peak = 0;
  for (std::size_t i = from; i < to; ++i) peak = std::max(peak, std::abs(static_cast<int>(s[i])));
  return peak;
}

// Frequency from the sign changes between `from` and `to`: two per period.
double frequency_of(const std::vector<std::int16_t>& s, std::size_t from, std::size_t to) {
  int crossings = 0;
  int last_sign = 0;
  for (std::size_t i = from; i < to; ++i) {
    const int sign = s[i] > 0 ? 1 : (s[i] < 0 ? -1 : 0);
    if (sign == 0) continue;
    if (last_sign != 0 && sign != last_sign) ++crossings;
    last_sign = sign;
  }
  return crossings / 2.0 / (static_cast<double>(to - from) / rate);
}

}  // namespace

TEST_CASE("each audible signal has the length of its tones and gaps") {
  CHECK(tone_samples(feedback_signal::prompt, rate).size() == 16800);  // 150 + 50 + 150 ms
  CHECK(tone_samples(feedback_signal::beep, rate).size() == 4800);     // 100 ms
  CHECK(tone_samples(feedback_signal::alarm, rate).size() == 43680);   // 3 × 250 + 2 × 80 ms
  CHECK(tone_samples(feedback_signal::beep, 8000).size() == 800);
  CHECK(tone_samples(feedback_signal::alarm, 16000).size() == 14560);
}

TEST_CASE("no sound lasts longer than max_tone_duration") {
  for (auto what : {feedback_signal::prompt, feedback_signal::beep, feedback_signal::alarm})
    for (int r : {8000, 16000, 44100, 48000, 96000}) {
      INFO(to_string(what) << " at " << r);
      CHECK(tone_samples(what, r).size() <= static_cast<std::size_t>(r));  // one second
      CHECK_FALSE(tone_samples(what, r).empty());
    }
}

TEST_CASE("alarm_clear, LEDs and vibrate are silent") {
  for (auto what : {feedback_signal::alarm_clear, feedback_signal::led_recording, feedback_signal::led_idle,
                    feedback_signal::vibrate}) {
    INFO(to_string(what));
    CHECK(tone_samples(what, rate).empty());
    CHECK(tone_plan(what).empty());
  }
}

TEST_CASE("a sample rate outside 8000-192000 gives no samples") {
  CHECK(tone_samples(feedback_signal::beep, 0).empty());
  CHECK(tone_samples(feedback_signal::beep, 7999).empty());
  CHECK(tone_samples(feedback_signal::beep, 192001).empty());
  CHECK(tone_samples(feedback_signal::beep, -48000).empty());
}

TEST_CASE("each tone reaches the peak, fades in and out, and is followed by silence") {
  for (auto what : {feedback_signal::prompt, feedback_signal::beep, feedback_signal::alarm}) {
    INFO(to_string(what));
    const auto s = tone_samples(what, rate);
    std::size_t at = 0;
    for (const auto& step : tone_plan(what)) {
      const auto n = samples_of(step.duration);
      const auto end = at + n;
      CHECK(peak_of(s, at, end) <= tone_peak);
      CHECK(peak_of(s, at, end) >= tone_peak * 99 / 100);
      CHECK(s[at] == 0);
      CHECK(s[end - 1] == 0);
      // 1 ms into a 10 ms fade the gain is at most 0.1.
      CHECK(peak_of(s, at, at + 48) <= tone_peak / 10 + 1);
      CHECK(peak_of(s, end - 48, end) <= tone_peak / 10 + 1);
      const auto gap = samples_of(step.gap_after);
      CHECK(peak_of(s, end, end + gap) == 0);
      at = end + gap;
    }
    CHECK(at == s.size());
  }
}

TEST_CASE("the tones have their frequencies: prompt rises, alarm is low") {
  struct expected_tone {
    feedback_signal what;
    std::vector<double> hz;
  };
  for (const auto& e :
       {expected_tone{feedback_signal::prompt, {880, 1320}}, expected_tone{feedback_signal::beep, {1000}},
        expected_tone{feedback_signal::alarm, {440, 440, 440}}}) {
    INFO(to_string(e.what));
    const auto s = tone_samples(e.what, rate);
    const auto plan = tone_plan(e.what);
    REQUIRE(plan.size() == e.hz.size());
    std::size_t at = 0;
    for (std::size_t i = 0; i < plan.size(); ++i) {
      const auto n = samples_of(plan[i].duration);
      CHECK(frequency_of(s, at, at + n) == Approx(e.hz[i]).epsilon(0.03));
      at += n + samples_of(plan[i].gap_after);
    }
  }
  const auto prompt = tone_plan(feedback_signal::prompt);
  CHECK(prompt[1].frequency_hz > prompt[0].frequency_hz);
  for (const auto& step : tone_plan(feedback_signal::alarm))
    CHECK(step.duration > tone_plan(feedback_signal::beep)[0].duration);
}

}  // namespace tone_test
