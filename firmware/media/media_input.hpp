// One capture input behind one interface, whatever it is: a V4L2 camera, an ALSA microphone, a lavfi test
// source or a file (libavdevice/libavformat + the stream's decoder). The rest of the pipeline cannot tell them
// apart: it receives decoded frames (or, for H.264 pass-through, the source's packets) with timestamps in
// the stream's time base.
// Invariants:
//  1. next() returns frames/packets of the selected stream only, in decode order, with strictly usable
//     timestamps (best_effort_timestamp for frames) in stream_base(), or `end`, or an error naming the source.
//  2. A file input with at_end=loop starts again at its beginning and its timestamps continue after the last
//     one (offset by the length played so far); at_end=pad_silence continues with silent frames of the
//     decoder's format, forever.
//  3. A realtime input delivers no earlier than its media time after its first frame (paced like `-re`).
//  4. Setting the stop flag makes a blocked read return promptly (libav interrupt callback); next() then
//     reports `end`.
#pragma once

#include "firmware/media/av_handles.hpp"
#include "firmware/media/pipeline_config.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace bodycam::firmware::media {

struct input_item {
  enum class kind : std::uint8_t { frame, packet, end };
  kind what = kind::end;
  av_frame_ptr frame;
  av_packet_ptr packet;
};

struct input_hints {
  int fps = 30;  // asked of a V4L2 device unless its options say otherwise
};

class media_input {
 public:
  // decode=false delivers the source's packets (pass-through).
  [[nodiscard]] static common::core::expected<std::unique_ptr<media_input>> open(const input_config& config,
                                                                                 track_kind track, bool decode,
                                                                                 input_hints hints,
                                                                                 const std::atomic<bool>& stop);
  media_input(const media_input&) = delete;
  media_input& operator=(const media_input&) = delete;
  ~media_input();

  [[nodiscard]] common::core::expected<input_item> next();

  [[nodiscard]] timebase stream_base() const noexcept { return base_; }
  [[nodiscard]] const AVCodecParameters* parameters() const noexcept;
  [[nodiscard]] const AVCodecContext* decoder() const noexcept { return decoder_.get(); }
  [[nodiscard]] const std::string& description() const noexcept { return description_; }

 private:
  media_input(const input_config& config, track_kind track, const std::atomic<bool>& stop);
  [[nodiscard]] common::core::status start(bool decode, input_hints hints);
  [[nodiscard]] common::core::expected<input_item> at_end_of_input();
  [[nodiscard]] common::core::expected<input_item> make_silence();
  void track_time(std::int64_t pts, std::int64_t duration) noexcept;
  void pace(std::int64_t pts);
  static int interrupt_callback(void* opaque) noexcept;

  input_config config_;
  track_kind track_;
  const std::atomic<bool>& stop_;
  std::string description_;
  av_input_ptr format_;
  av_codec_context_ptr decoder_;
  av_packet_ptr packet_;
  int stream_index_ = -1;
  timebase base_{};
  bool draining_ = false;
  bool padding_ = false;
  std::int64_t loop_offset_ = 0;
  std::optional<std::int64_t> first_pts_;
  std::optional<std::int64_t> end_pts_;  // largest pts + duration delivered, loop offset included
  std::uint64_t delivered_in_pass_ = 0;
  std::optional<std::chrono::steady_clock::time_point> wall_start_;
};

}  // namespace bodycam::firmware::media
