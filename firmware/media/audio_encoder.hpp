// Encodes captured audio into AAC packets: resample (libswresample) to the encoder's format, rate and
// channels, collect whole encoder frames in a FIFO, encode with the canonical send/receive loop.
// Invariants:
//  1. Audio timestamps count samples: the first sample has pts timeline_start + start_offset (in
//     1/sample_rate), every later frame follows the previous one with no gap, so audio is continuous on the
//     timeline whatever the source's clock does (file loops, padding, device jitter).
//  2. Every input sample is encoded: the last, partial frame is sent at flush (AAC accepts a short last frame).
//  3. Packets carry pts/dts and duration in packet_base() (1/sample_rate), with the encoder's priming
//     (packets before the first sample) included; they are never negative because the timeline starts at 1 s.
#pragma once

#include "firmware/media/av_handles.hpp"
#include "firmware/media/encoder_context.hpp"
#include "firmware/media/pipeline_config.hpp"

#include <cstdint>
#include <memory>

namespace bodycam::firmware::media {

class audio_encoder {
 public:
  [[nodiscard]] static common::core::expected<std::unique_ptr<audio_encoder>> open(const encoder_config& config);

  // Samples to skip (negative) or to pad with silence (positive) before the first input sample, so a live
  // microphone lines up with the camera that started first. Call before the first encode().
  void set_start_offset(std::int64_t samples) noexcept { start_offset_ = samples; }

  [[nodiscard]] common::core::status encode(const AVFrame& frame, const packet_consumer& consume);
  [[nodiscard]] common::core::status flush(const packet_consumer& consume);

  [[nodiscard]] const AVCodecContext& context() const noexcept { return *codec_; }
  [[nodiscard]] timebase packet_base() const noexcept { return to_timebase(codec_->time_base); }

 private:
  explicit audio_encoder(encoder_config config) : config_(std::move(config)) {}
  [[nodiscard]] common::core::status start();
  [[nodiscard]] common::core::status set_up_resampler(const AVFrame& first);
  // Converts `samples` input samples (nullptr: what the resampler still holds) into converted_.
  [[nodiscard]] common::core::status resample(std::uint8_t* const* input, int samples);
  [[nodiscard]] common::core::status encode_fifo(bool final, const packet_consumer& consume);
  [[nodiscard]] common::core::status send(AVFrame* frame, const packet_consumer& consume);

  encoder_config config_;
  av_codec_context_ptr codec_;
  swr_context_ptr resampler_;
  av_audio_fifo_ptr fifo_;
  av_frame_ptr converted_;
  std::int64_t start_offset_ = 0;
  std::int64_t next_pts_ = 0;
  bool started_ = false;
};

}  // namespace bodycam::firmware::media
