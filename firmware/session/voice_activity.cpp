#include "firmware/session/voice_activity.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

namespace bodycam::firmware::session {

namespace {

constexpr std::size_t fft_size = 512;
constexpr int warmup_frames = 5;  // the floor starts at the quietest of these
constexpr double floor_rise_db_per_frame = 0.05;

void fft(std::vector<std::complex<double>>& x) {
  const std::size_t n = x.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(x[i], x[j]);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const double angle = -2.0 * std::numbers::pi / static_cast<double>(len);
    const std::complex<double> step(std::cos(angle), std::sin(angle));
    for (std::size_t i = 0; i < n; i += len) {
      std::complex<double> w(1.0, 0.0);
      for (std::size_t k = 0; k < len / 2; ++k) {
        const auto u = x[i + k];
        const auto v = x[i + k + len / 2] * w;
        x[i + k] = u + v;
        x[i + k + len / 2] = u - v;
        w *= step;
      }
    }
  }
}

}  // namespace

voice_activity_detector::voice_activity_detector(vad_settings settings)
    : settings_(settings),
      frame_samples_(static_cast<std::size_t>(std::max<long long>(
          1, static_cast<long long>(settings.sample_rate) * settings.frame.count() / 1000))),
      min_run_frames_(static_cast<std::size_t>(
          std::max<long long>(1, settings.min_run.count() / std::max<long long>(1, settings.frame.count())))) {}

voice_activity_detector::frame_features voice_activity_detector::analyse_frame(std::span<const float> frame,
                                                                               int sample_rate) {
  frame_features out;
  if (frame.empty()) return out;
  double energy = 0.0;
  for (float x : frame) energy += static_cast<double>(x) * static_cast<double>(x);
  energy /= static_cast<double>(frame.size());
  out.level_dbfs = 10.0 * std::log10(energy + 1e-12);

  std::vector<std::complex<double>> bins(fft_size);
  const std::size_t n = std::min(frame.size(), fft_size);
  for (std::size_t i = 0; i < n; ++i) {
    const double hann = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) /
                                             static_cast<double>(std::max<std::size_t>(1, n - 1)));
    bins[i] = static_cast<double>(frame[i]) * hann;
  }
  fft(bins);
  const double hz_per_bin = static_cast<double>(sample_rate) / static_cast<double>(fft_size);
  const auto lo = static_cast<std::size_t>(std::ceil(100.0 / hz_per_bin));
  const auto hi = std::min(fft_size / 2, static_cast<std::size_t>(std::floor(4000.0 / hz_per_bin)));
  double log_sum = 0.0, sum = 0.0;
  std::size_t count = 0;
  for (std::size_t k = std::max<std::size_t>(lo, 1); k <= hi; ++k) {
    const double p = std::norm(bins[k]) + 1e-20;
    log_sum += std::log(p);
    sum += p;
    ++count;
  }
  if (count > 0 && sum > 0.0)
    out.flatness = std::exp(log_sum / static_cast<double>(count)) / (sum / static_cast<double>(count));
  return out;
}

void voice_activity_detector::add_samples(std::span<const float> samples) {
  pending_.insert(pending_.end(), samples.begin(), samples.end());
  std::size_t used = 0;
  while (pending_.size() - used >= frame_samples_) {
    add_frame(std::span<const float>(pending_).subspan(used, frame_samples_));
    used += frame_samples_;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
}

void voice_activity_detector::add_frame(std::span<const float> frame) {
  const auto f = analyse_frame(frame, settings_.sample_rate);
  if (frames_ < warmup_frames)
    noise_floor_db_ = frames_ == 0 ? f.level_dbfs : std::min(noise_floor_db_, f.level_dbfs);
  else if (f.level_dbfs < noise_floor_db_)
    noise_floor_db_ = f.level_dbfs;
  else
    noise_floor_db_ += floor_rise_db_per_frame;
  ++frames_;
  // A warm-up that starts on speech sets a high floor; the first pause between words brings it down.
  const bool loud = f.level_dbfs >= settings_.min_level_dbfs && f.level_dbfs >= noise_floor_db_ + settings_.margin_db;
  const bool voiced = f.flatness >= settings_.min_flatness && f.flatness <= settings_.max_flatness;
  if (loud && voiced) {
    ++run_;
    if (run_ == min_run_frames_) {
      counted_frames_ += run_;
      since_speech_ = 0;
    } else if (run_ > min_run_frames_) {
      ++counted_frames_;
      since_speech_ = 0;
    } else {
      ++since_speech_;
    }
  } else {
    run_ = 0;
    ++since_speech_;
  }
}

vad_result voice_activity_detector::result() const {
  vad_result r;
  const auto frame_ms = settings_.frame.count();
  r.total = std::chrono::milliseconds(static_cast<long long>(frames_) * frame_ms);
  r.speech = std::chrono::milliseconds(static_cast<long long>(counted_frames_) * frame_ms);
  r.speech_present = r.speech >= settings_.min_speech;
  return r;
}

std::chrono::milliseconds voice_activity_detector::trailing_silence() const noexcept {
  if (counted_frames_ == 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<long long>(since_speech_) * settings_.frame.count());
}

vad_result detect_voice_activity(std::span<const float> samples, const vad_settings& settings) {
  voice_activity_detector d(settings);
  d.add_samples(samples);
  return d.result();
}

}  // namespace bodycam::firmware::session
