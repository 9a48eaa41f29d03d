// Shared helpers for the media tests: a sink that records every call, running the outside tools (ffprobe,
// ffmpeg, sha256sum) through tests/support and reading their answers, and the small test configuration
// (320x240, 15 fps, 1 s GOP, 2 s segments, synthetic lavfi source).
#pragma once

#include "common/core/bytes.hpp"
#include "firmware/media/pipeline_config.hpp"
#include "firmware/media/segment_sink.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bodycam::firmware::media::test {

class recording_sink final : public segment_sink {
 public:
  void on_segment_opened(const segment_opened& info) override;
  void on_fragment_durable(const fragment_info& info) override;
  void on_segment_sealed(const segment_summary& summary) override;
  void on_pipeline_event(const pipeline_event& event) override;

  [[nodiscard]] std::vector<segment_opened> opened() const;
  [[nodiscard]] std::vector<fragment_info> fragments() const;
  [[nodiscard]] std::vector<segment_summary> sealed() const;
  [[nodiscard]] std::vector<pipeline_event> events() const;
  [[nodiscard]] std::uint64_t event_count(pipeline_event_kind kind) const;  // sum of `count` fields
  [[nodiscard]] bool has_event(pipeline_event_kind kind) const;
  // Checks the order promised by segment_sink.hpp: opened, fragments, sealed per segment; "" if it holds.
  [[nodiscard]] std::string order_violation() const;

 private:
  mutable std::mutex mutex_;
  std::vector<segment_opened> opened_;
  std::vector<fragment_info> fragments_;
  std::vector<segment_summary> sealed_;
  std::vector<pipeline_event> events_;
  std::vector<std::string> calls_;  // "open NAME", "fragment NAME", "seal NAME"
};

// 320x240 @ 15 fps, 1 s GOP, 2 s segments, testsrc2 video + 440 Hz sine audio, no pre-event, not realtime.
pipeline_config small_config(const std::filesystem::path& output_dir);

struct probed_packet {
  int stream = 0;
  std::string type;  // "video" / "audio"
  std::int64_t pts = 0;
  std::int64_t dts = 0;
  std::int64_t duration = 0;
  bool key = false;
};
struct probe_result {
  std::vector<probed_packet> packets;
  std::string time_base_video;  // "1/15360"
  std::string time_base_audio;
  std::int64_t video_frames_decoded = -1;
  std::int64_t audio_frames_decoded = -1;
  std::string errors;  // ffprobe's stderr: decoder and demuxer complaints
  int exit_code = 0;
};
// One ffprobe run: stream time bases, every packet, and every frame decoded (-count_frames).
probe_result probe_packets(const std::filesystem::path& file);
std::string sha256sum_of(const std::filesystem::path& file);
common::core::byte_buffer read_whole_file(const std::filesystem::path& file);

// Polls `done` every 20 ms until it holds or `limit` passes (a bound, not a timing assertion).
bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit);

// Libav's own log lines at error level only, so test output stays readable.
void quiet_libav();

struct track_span {
  std::int64_t first = 0;
  std::int64_t end = 0;  // last pts + duration
  std::size_t packets = 0;
};

// Re-derives from the file bytes alone (sha256sum, an independent box walk, a full decode by ffprobe)
// everything the summary and the fragment reports claim about one sealed segment (Catch2 checks), and
// returns the track spans ffprobe saw (see probe_spans).
std::map<std::string, track_span> check_file_against_summary(const std::filesystem::path& dir,
                                                             const segment_summary& summary,
                                                             const std::vector<fragment_info>& reported);
// Per track type ("video", "audio") as ffprobe sees the file; checks that pts advance without gap or overlap
// inside the file and that the first video packet is a keyframe.
std::map<std::string, track_span> probe_spans(const std::filesystem::path& file);

// The first decoded video frame as 8-bit luma (width × height bytes).
common::core::byte_buffer first_frame_luma(const std::filesystem::path& file);
// Pixels brighter than `threshold` in the rectangle [x0, x1) × [y0, y1) of a luma image of `width`.
std::size_t bright_pixels(const common::core::byte_buffer& luma, int width, int x0, int y0, int x1, int y1,
                          std::uint8_t threshold = 100);

}  // namespace bodycam::firmware::media::test
