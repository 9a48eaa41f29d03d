// Encodes captured video frames into H.264 packets: the video_filter (scale, format, OSD), then libavcodec
// with the configured encoder (libx264 on hosts, h264_v4l2m2m on the ARM SoC), canonical send/receive loop.
// Invariants:
//  1. Fixed GOP: a keyframe is forced on the first frame and on the first frame at or after every GOP
//     boundary of the timeline (every gop_frames ticks of 1/fps), and on request; no B-frames, so packets
//     leave in presentation order and pts == dts.
//  2. Packets carry pts/dts in packet_base() (1/fps) and a duration of at least one tick.
//  3. Unknown encoder names, encoders that are not H.264/H.265, and options an encoder does not know are
//     errors at open(), naming the encoder.
//  4. A requested still is the next frame leaving the filter (still_image.hpp), handed out on the encode
//     thread by reference before it is encoded; a request pending when the stream ends fails (closed).
#pragma once

#include "firmware/media/av_handles.hpp"
#include "firmware/media/encoder_context.hpp"
#include "firmware/media/pipeline_config.hpp"
#include "firmware/media/still_image.hpp"
#include "firmware/media/video_filter.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::firmware::media {

class video_encoder {
 public:
  [[nodiscard]] static common::core::expected<std::unique_ptr<video_encoder>> open(const pipeline_config& config);

  // `frame` has pts in packet_base(); captured_utc is the wall-clock time it was captured (for the OSD).
  [[nodiscard]] common::core::status encode(AVFrame& frame, std::chrono::system_clock::time_point captured_utc,
                                            const packet_consumer& consume);
  // Drains filter and encoder at the end of the stream.
  [[nodiscard]] common::core::status flush(const packet_consumer& consume);

  void request_keyframe() noexcept { keyframe_requested_.store(true); }
  // Any thread: the still of the next frame (invariant 4).
  [[nodiscard]] std::future<common::core::expected<still_frame>> request_still();
  ~video_encoder();
  video_encoder(const video_encoder&) = delete;
  video_encoder& operator=(const video_encoder&) = delete;
  void set_clock_synced(bool synced) noexcept { clock_synced_.store(synced); }
  // The OSD place line's text from the next frame on (any thread).
  void set_place_text(std::string text);
  // Any thread: the OSD's session line from the next frame on (osd_text.hpp).
  void set_session_line(std::string line);

  [[nodiscard]] const AVCodecContext& context() const noexcept { return *codec_; }
  [[nodiscard]] timebase packet_base() const noexcept { return to_timebase(codec_->time_base); }

 private:
  explicit video_encoder(pipeline_config config) : config_(std::move(config)) {}
  [[nodiscard]] common::core::status start();
  [[nodiscard]] common::core::status drain_filter(const packet_consumer& consume);
  [[nodiscard]] common::core::status send(AVFrame* frame, const packet_consumer& consume);
  void hand_out_stills(const AVFrame& frame);
  void fail_stills(std::string_view why);

  pipeline_config config_;
  av_codec_context_ptr codec_;
  std::unique_ptr<video_filter> filter_;
  av_frame_ptr filtered_;
  std::optional<std::int64_t> next_keyframe_pts_;
  std::atomic<bool> keyframe_requested_{false};
  std::atomic<bool> clock_synced_{true};
  bool filter_clock_synced_ = true;
  std::mutex place_mutex_;
  std::string place_text_ = "NO FIX";
  std::uint64_t place_version_ = 0;  // bumped by set_place_text
  std::uint64_t filter_place_version_ = 0;
  std::chrono::system_clock::time_point last_captured_utc_{};
  std::mutex session_line_mutex_;
  std::string session_line_;
  std::atomic<bool> session_line_changed_{false};
  std::atomic<bool> still_wanted_{false};
  std::mutex still_mutex_;
  std::vector<std::promise<common::core::expected<still_frame>>> still_waiters_;
};

}  // namespace bodycam::firmware::media
