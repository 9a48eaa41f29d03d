// The audible adapter of the feedback port: each audible signal (tone.hpp) — or, for `prompt`, a prompt WAV
// file if one is configured — is played through libavdevice's ALSA muxer ("alsa", device "default", "hw:0").
// The output format and device are injectable, so tests run the same code into a file ("wav" or "s16le" into
// a temp file) and check the bytes that would have reached the speaker.
// Guarantees: (1) playback is synchronous and short: every sound is at most max_tone_duration (1 s; a longer
// prompt file is refused when the adapter is made), so signal() blocks its caller for at most about that
// long, and the error of a failed playback reaches the caller, who logs it (no thread, no queue to lose it);
// (2) the device is opened for each sound and closed after it, so nothing holds the sound card between
// signals and a card that appears later is used; (3) a failure names the format and device
// ("open audio output alsa hw:99: ...") and changes nothing else — recording goes on.
#pragma once

#include "common/core/error.hpp"
#include "firmware/session/feedback_port.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace bodycam::firmware::session {

// Where sounds go: a libavformat output format name and its URL ("alsa" + "hw:0", "wav" + a file path).
struct audio_output {
  std::string format = "alsa";
  std::string device = "default";
  int sample_rate = 48000;  // for the tones; a prompt file plays at its own rate
};

class alsa_feedback final : public feedback_port {
 public:
  // Reads and checks the prompt file now (if not empty), so a bad file is reported at start, not at the
  // first prompt: it must parse as WAV (wav_file.hpp) and last at most max_tone_duration.
  [[nodiscard]] static common::core::expected<std::unique_ptr<alsa_feedback>> make(
      audio_output output, const std::filesystem::path& prompt_file);

  [[nodiscard]] common::core::status signal(feedback_signal what, std::string_view detail) override;

  // Plays 16-bit mono samples at `sample_rate` through the output; returns once they are written.
  [[nodiscard]] common::core::status play(std::span<const std::int16_t> samples, int sample_rate);

 private:
  alsa_feedback(audio_output output, std::vector<std::int16_t> prompt, int prompt_rate)
      : output_(std::move(output)), prompt_(std::move(prompt)), prompt_rate_(prompt_rate) {}
  audio_output output_;
  std::vector<std::int16_t> prompt_;  // empty = use the prompt tones
  int prompt_rate_ = 0;
};

}  // namespace bodycam::firmware::session
