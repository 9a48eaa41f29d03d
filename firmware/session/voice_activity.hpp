// Voice-activity detection for statements (DESIGN.md §4 "Voice annotations"). Pure: mono float samples in,
// a decision per frame and a running summary out; no I/O, no libav.
// Method: 20 ms frames (configurable 10-30 ms), Hann window, 512-point FFT over the 100-4000 Hz band.
// A frame is speech when
//   (a) its energy is at least `min_level_dbfs` and `margin_db` above the noise floor, and
//   (b) its spectral flatness is between `min_flatness` (a pure tone is far below) and `max_flatness`
//       (white or pink noise is far above).
// The noise floor starts at the quietest of the first frames and follows the minimum energy (rising slowly,
// falling at once). A run of speech frames shorter than `min_run` is not counted (clicks); speech_present
// needs at least `min_speech` of counted speech.
// Invariants:
//  1. Deterministic: the same samples in any chunking give the same result.
//  2. trailing_silence() counts frames since the last counted speech frame (0 before any speech).
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

namespace bodycam::firmware::session {

struct vad_settings {
  int sample_rate = 16000;
  std::chrono::milliseconds frame{20};
  double min_level_dbfs = -50.0;
  double margin_db = 10.0;
  double min_flatness = 0.002;
  double max_flatness = 0.35;
  std::chrono::milliseconds min_run{60};
  std::chrono::milliseconds min_speech{400};
};

struct vad_result {
  bool speech_present = false;
  std::chrono::milliseconds speech{0};  // counted speech
  std::chrono::milliseconds total{0};   // audio analysed (whole frames)
};

class voice_activity_detector {
 public:
  explicit voice_activity_detector(vad_settings settings);

  void add_samples(std::span<const float> samples);
  [[nodiscard]] vad_result result() const;
  [[nodiscard]] bool has_seen_speech() const noexcept { return counted_frames_ > 0; }
  [[nodiscard]] std::chrono::milliseconds trailing_silence() const noexcept;

  // The per-frame features, for tests and tuning.
  struct frame_features {
    double level_dbfs = -120.0;
    double flatness = 0.0;
  };
  [[nodiscard]] static frame_features analyse_frame(std::span<const float> frame, int sample_rate);

 private:
  void add_frame(std::span<const float> frame);

  vad_settings settings_;
  std::size_t frame_samples_;
  std::size_t min_run_frames_;
  std::vector<float> pending_;
  double noise_floor_db_ = 0.0;
  std::uint64_t frames_ = 0;
  std::uint64_t run_ = 0;             // current run of speech-like frames
  std::uint64_t counted_frames_ = 0;  // speech frames in runs of at least min_run
  std::uint64_t since_speech_ = 0;    // frames since the last counted speech frame
};

// One-shot convenience over a whole buffer.
[[nodiscard]] vad_result detect_voice_activity(std::span<const float> samples, const vad_settings& settings);

}  // namespace bodycam::firmware::session
