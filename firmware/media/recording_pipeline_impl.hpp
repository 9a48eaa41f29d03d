// Internal to recording_pipeline (not installed, not for the daemon): the pipeline's shared state, split
// over recording_pipeline.cpp (open, capture and encode threads, API) and pipeline_writer.cpp (the writer
// thread: commands, merge, reporting). The invariants are those of recording_pipeline.hpp.
#pragma once

#include "firmware/media/audio_encoder.hpp"
#include "firmware/media/bounded_queue.hpp"
#include "firmware/media/media_input.hpp"
#include "firmware/media/recording_pipeline.hpp"
#include "firmware/media/session_recorder.hpp"
#include "firmware/media/video_encoder.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace bodycam::firmware::media::pipeline_detail {

struct frame_item {
  av_frame_ptr frame;
  std::chrono::system_clock::time_point captured_utc;
  std::chrono::steady_clock::time_point captured_at;
};

// How long a pending stop waits for a packet past its stop time before it seals anyway (a stalled source).
inline constexpr auto stop_grace = std::chrono::seconds(2);
inline constexpr auto writer_poll = std::chrono::milliseconds(10);

struct command {
  enum class kind : std::uint8_t { start, stop, shutdown } what = kind::start;
  std::string session_id;
  close_reason reason = close_reason::stop;
  media_time stop_at{};
  std::promise<common::core::status> done;
};

}  // namespace bodycam::firmware::media::pipeline_detail

namespace bodycam::firmware::media {

class recording_pipeline::impl {
  using frame_item = pipeline_detail::frame_item;
  using command = pipeline_detail::command;

 public:
  impl(pipeline_config config, segment_sink& sink, segment_storage& storage)
      : config_(std::move(config)), sink_(sink), storage_(storage) {}
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;
  impl(impl&&) = delete;
  impl& operator=(impl&&) = delete;
  ~impl() {
    // Invariant 5: release only. The writer sees `destroying_` and seals nothing.
    destroying_.store(true);
    stop_capture_.store(true);
    abort_queues();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

  common::core::status open();
  common::core::status submit(command cmd);
  common::core::status shutdown(close_reason reason);
  pipeline_status status() const;
  bool wait_until_ended(std::chrono::milliseconds timeout) const;
  void set_clock_synced(bool synced) noexcept {
    if (video_encoder_) video_encoder_->set_clock_synced(synced);
  }
  void set_place_text(std::string text) {
    if (video_encoder_) video_encoder_->set_place_text(std::move(text));
  }
  common::core::expected<still_frame> take_still(std::chrono::milliseconds timeout);
  void set_session_line(std::string line) {
    if (video_encoder_) video_encoder_->set_session_line(std::move(line));
  }
  media_time captured_until() const noexcept { return media_time{captured_end_us_.load(), timebase{1, 1'000'000}}; }

 private:
  void run_video_capture();
  void run_audio_capture();
  void run_video_encode();
  void run_audio_encode();
  void run_writer();

  void record_fault(const common::core::error& e);
  void abort_queues();
  void process_commands();
  void finish_stop(common::core::status result);
  void handle_writer_fault(const common::core::error& e, std::size_t heads_lost);
  void report_counters();
  void publish_status();
  [[nodiscard]] common::core::status push_packet(bounded_queue<packet_item>& queue, av_packet_ptr packet,
                                                 track_kind track, timebase base);

  pipeline_config config_;
  segment_sink& sink_;
  segment_storage& storage_;
  std::atomic<bool> stop_capture_{false};
  std::atomic<bool> destroying_{false};
  std::atomic<bool> source_ended_{false};
  std::unique_ptr<media_input> video_input_;
  std::unique_ptr<media_input> audio_input_;
  std::unique_ptr<video_encoder> video_encoder_;
  std::unique_ptr<audio_encoder> audio_encoder_;
  av_codec_parameters_ptr video_parameters_;
  av_codec_parameters_ptr audio_parameters_;
  timebase video_packet_base_{};
  timebase audio_packet_base_{};
  std::unique_ptr<bounded_queue<frame_item>> video_frames_;
  std::unique_ptr<bounded_queue<frame_item>> audio_frames_;
  std::unique_ptr<bounded_queue<packet_item>> video_packets_;
  std::unique_ptr<bounded_queue<packet_item>> audio_packets_;
  std::unique_ptr<session_recorder> recorder_;  // used by the writer thread only
  std::vector<std::thread> threads_;

  // Capture-side counters and clocks (written by capture threads).
  std::atomic<std::uint64_t> video_frames_captured_{0};
  std::atomic<std::uint64_t> audio_frames_captured_{0};
  std::atomic<std::uint64_t> gap_frames_{0};
  std::atomic<std::uint64_t> fixups_{0};
  std::atomic<std::uint64_t> lost_items_{0};
  std::atomic<std::int64_t> captured_end_us_{0};
  std::atomic<std::int64_t> video_first_ns_{0};  // steady clock of the first video frame; 0 = not yet

  // Writer-thread state.
  std::optional<command> pending_stop_;
  std::chrono::steady_clock::time_point last_packet_at_{};
  std::optional<close_reason> shutdown_reason_;
  std::vector<std::promise<common::core::status>> shutdown_waiters_;
  struct reported {
    std::uint64_t full_events = 0;
    std::chrono::microseconds blocked{0};
  };
  std::array<reported, 4> reported_queues_{};
  std::uint64_t reported_gaps_ = 0;
  std::uint64_t reported_fixups_ = 0;

  // Shared, under mutex_.
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<command> commands_;
  pipeline_status snapshot_;
  std::optional<common::core::error> fault_;
  bool writer_done_ = false;
  std::optional<common::core::status> final_result_;
};

}  // namespace bodycam::firmware::media
