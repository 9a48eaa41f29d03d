// Adapter: captures one spoken statement (start, stop or resume annotation) from the annotation source —
// ALSA on a device, a file played as the microphone in tests and the simulator — through libav
// (firmware/media's media_input), resampled to 16 kHz mono, with voice-activity detection as it goes.
// It stops at max_duration, or once speech was heard and `trailing_silence` followed it, or at the end of a
// file source, or when `stop` is set. It runs on its own thread (the caller's), never on the video path:
// the recording goes on whatever happens here.
// Errors (the source cannot be opened or decoded) are returned; the caller records the statement as
// `missing` with the error in the log — a missing statement never blocks recording.
#pragma once

#include "common/core/error.hpp"
#include "firmware/media/pipeline_config.hpp"
#include "firmware/session/voice_activity.hpp"
#include "firmware/session/wav_file.hpp"

#include <atomic>
#include <chrono>

namespace bodycam::firmware::session {

struct statement_settings {
  media::input_config source;
  std::chrono::milliseconds max_duration{20000};
  std::chrono::milliseconds trailing_silence{1500};
  int sample_rate = 16000;
};

struct captured_statement {
  pcm_audio audio;
  vad_result vad;
};

// Pure: whether a statement being captured is finished (max duration, or trailing silence after speech).
[[nodiscard]] bool is_statement_finished(const voice_activity_detector& vad, std::chrono::milliseconds captured,
                                         const statement_settings& settings) noexcept;

[[nodiscard]] common::core::expected<captured_statement> capture_statement(const statement_settings& settings,
                                                                           const std::atomic<bool>& stop);

}  // namespace bodycam::firmware::session
