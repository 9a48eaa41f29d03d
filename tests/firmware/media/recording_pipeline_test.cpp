// [integration] The real pipeline with the synthetic source, checked from outside: ffprobe/ffmpeg decode
// every frame, sha256sum hashes every file, an independent box walk re-derives init hash, fragment spans,
// fragment hashes and the Merkle root, and timestamps are continuous across segments per track.
#include "firmware/media/posix_segment_storage.hpp"
#include "firmware/media/recording_pipeline.hpp"
#include "test_support.hpp"

#include <condition_variable>
#include <numeric>

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;
using namespace bodycam::firmware::media::test;
using bodycam::tests::run_shell;
using bodycam::tests::shell_quote;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;
namespace core = bodycam::common::core;

namespace {
std::uint64_t total_full_events(const pipeline_status& s) {
  return std::accumulate(s.queues.begin(), s.queues.end(), std::uint64_t{0},
                         [](std::uint64_t n, const queue_stats& q) { return n + q.full_events; });
}

// A slow disk: every fdatasync waits until the test opens the gate.
class gated_storage final : public segment_storage {
 public:
  explicit gated_storage(segment_storage& inner) : inner_(inner) {}
  void open_gate() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  void wait_at_gate() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return open_; });
  }
  core::expected<std::unique_ptr<segment_file>> create(const fs::path& path) override {
    auto file = inner_.create(path);
    if (!file) return file;
    return std::make_unique<gated_file>(*this, std::move(*file));
  }
  core::status rename_no_replace(const fs::path& from, const fs::path& to) override {
    return inner_.rename_no_replace(from, to);
  }
  core::status sync_directory(const fs::path& dir) override { return inner_.sync_directory(dir); }
  core::status check_writable(const fs::path& dir) override { return inner_.check_writable(dir); }

 private:
  class gated_file final : public segment_file {
   public:
    gated_file(gated_storage& owner, std::unique_ptr<segment_file> inner) : owner_(owner), inner_(std::move(inner)) {}
    core::status write(core::byte_view bytes) override { return inner_->write(bytes); }
    core::status datasync() override {
      owner_.wait_at_gate();
      return inner_->datasync();
    }
    core::status sync() override { return inner_->sync(); }
    core::status truncate(std::uint64_t length) override { return inner_->truncate(length); }
    const fs::path& path() const noexcept override { return inner_->path(); }

   private:
    gated_storage& owner_;
    std::unique_ptr<segment_file> inner_;
  };
  segment_storage& inner_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

struct tone_file {
  temp_dir dir;
  fs::path path = dir.path() / "tone.wav";
  explicit tone_file(double seconds) {
    const auto r = run_shell("ffmpeg -nostdin -v error -f lavfi -i sine=frequency=1000:sample_rate=16000:duration=" +
                               std::to_string(seconds) + " -c:a pcm_s16le " + shell_quote(path.string()));
    REQUIRE(r.exit_code == 0);
  }
};

// max_volume of the decoded audio of a file, in dB (-inf reported as -200).
double max_volume_db(const fs::path& file) {
  const auto r = run_shell("ffmpeg -nostdin -hide_banner -i " + shell_quote(file.string()) +
                             " -map 0:a -af volumedetect -f null - 2>&1 1>/dev/null | grep max_volume");
  const auto at = r.out.find("max_volume: ");
  if (at == std::string::npos) return 1000;  // not found: fails any check below
  const std::string value = r.out.substr(at + 12);
  if (value.starts_with("-inf")) return -200;
  return std::stod(value);
}
}  // namespace

TEST_CASE("three segments from the synthetic source are contiguous, decodable and hashed as reported",
          "[integration]") {
  temp_dir dir;
  recording_sink sink;
  posix_segment_storage storage;
  const auto config = small_config(dir.path());
  auto pipeline = recording_pipeline::open(config, sink, storage);
  REQUIRE(pipeline);
  REQUIRE((*pipeline)->start("S1"));
  REQUIRE(wait_for([&] { return sink.sealed().size() >= 3; }, std::chrono::seconds(60)));
  REQUIRE((*pipeline)->stop(close_reason::stop));
  const auto status = (*pipeline)->status();
  CHECK(status.state == pipeline_state::buffering);
  REQUIRE((*pipeline)->shutdown());
  CHECK((*pipeline)->status().state == pipeline_state::finished);

  CHECK(sink.order_violation().empty());
  // Back-pressure (the synthetic source outruns the encoder) is reported, every blocked push counted.
  CHECK(sink.event_count(pipeline_event_kind::back_pressure) == total_full_events((*pipeline)->status()));
  CHECK_FALSE(sink.has_event(pipeline_event_kind::fault));
  const auto sealed = sink.sealed();
  REQUIRE(sealed.size() >= 4);
  const auto fragments = sink.fragments();
  std::vector<std::map<std::string, track_span>> spans;
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    const auto& s = sealed[i];
    CHECK(s.session_id == "S1");
    CHECK(s.index == i);
    CHECK(s.file_name == segment_file_name("S1", static_cast<std::uint32_t>(i)));
    CHECK(s.reason == (i + 1 < sealed.size() ? close_reason::rollover : close_reason::stop));
    CHECK(s.unsigned_tail_bytes == 0);
    spans.push_back(check_file_against_summary(dir.path(), s, fragments));
    // The summary's ranges are what ffprobe sees.
    const auto* video = s.find_track(track_kind::video);
    const auto* audio = s.find_track(track_kind::audio);
    REQUIRE(video);
    REQUIRE(audio);
    CHECK(video->first_pts == spans.back()["video"].first);
    CHECK(video->end_pts == spans.back()["video"].end);
    CHECK(audio->first_pts == spans.back()["audio"].first);
    CHECK(audio->end_pts == spans.back()["audio"].end);
    if (s.reason == close_reason::rollover) {
      CHECK(spans.back()["video"].packets == 30);  // 2 s at 15 fps
      CHECK(s.fragment_count == 2);                // one per 1 s GOP
    }
  }
  // No gap, no overlap: segment k ends exactly where k+1 begins, per track.
  for (std::size_t k = 0; k + 1 < spans.size(); ++k) {
    INFO("between segment " << k << " and " << k + 1);
    CHECK(spans[k]["video"].end == spans[k + 1]["video"].first);
    CHECK(spans[k]["audio"].end == spans[k + 1]["audio"].first);
  }
}

TEST_CASE("a slow disk shows up as counted back-pressure events, and no frame is lost", "[integration]") {
  temp_dir dir;
  recording_sink sink;
  posix_segment_storage posix;
  gated_storage storage(posix);
  auto config = small_config(dir.path());
  config.source.audio.reset();
  config.queues.video_frames = 4;
  config.queues.video_packets = 4;
  config.queues.report_interval = std::chrono::milliseconds(50);
  auto pipeline = recording_pipeline::open(config, sink, storage);
  REQUIRE(pipeline);
  REQUIRE((*pipeline)->start("SLOW"));
  // The writer is stuck in the first fdatasync: the queues fill and the producers block.
  REQUIRE(wait_for([&] { return total_full_events((*pipeline)->status()) >= 2; }, std::chrono::seconds(30)));
  storage.open_gate();
  REQUIRE(wait_for([&] { return sink.sealed().size() >= 2; }, std::chrono::seconds(60)));
  REQUIRE((*pipeline)->shutdown());
  const auto status = (*pipeline)->status();
  CHECK(status.state == pipeline_state::finished);
  CHECK(sink.event_count(pipeline_event_kind::back_pressure) == total_full_events(status));
  CHECK(sink.event_count(pipeline_event_kind::back_pressure) >= 2);
  for (const auto& q : status.queues) CHECK(q.discarded == 0);
  CHECK(status.counters.packets_lost == 0);
  // Every captured frame is in a segment: contiguous from the first to the last.
  const auto sealed = sink.sealed();
  std::vector<std::map<std::string, track_span>> spans;
  std::size_t packets = 0;
  for (const auto& s : sealed) {
    spans.push_back(probe_spans(dir.path() / s.file_name));
    packets += spans.back()["video"].packets;
  }
  for (std::size_t k = 0; k + 1 < spans.size(); ++k) CHECK(spans[k]["video"].end == spans[k + 1]["video"].first);
  CHECK(packets == status.counters.packets_written);
  // Every captured frame is accounted for: written, or (before start) not kept by the pre-event ring.
  const auto& n = status.counters;
  CHECK(n.packets_written + n.pre_event_dropped + n.pre_event_refused + n.packets_before_keyframe ==
        n.video_frames_captured);
}

TEST_CASE("the OSD burns in time, ids and the clock marker the caller switches", "[integration]") {
  const int width = 320;
  auto record = [&](bool osd, bool synced, bool switch_to_synced, std::vector<fs::path>& files, const fs::path& out) {
    recording_sink sink;
    posix_segment_storage storage;
    auto config = small_config(out);
    config.source.video.url = "color=c=black:size=320x240:rate=15";
    config.source.audio.reset();
    config.osd.enabled = osd;
    config.osd.clock_synced = synced;
    // Short queues: frames encoded after set_clock_synced() are at most a few frames behind the writer.
    config.queues.video_frames = 4;
    config.queues.video_packets = 4;
    auto pipeline = recording_pipeline::open(config, sink, storage);
    REQUIRE(pipeline);
    REQUIRE((*pipeline)->start("OSD"));
    REQUIRE(wait_for([&] { return !sink.sealed().empty(); }, std::chrono::seconds(60)));
    if (switch_to_synced) (*pipeline)->set_clock_synced(true);
    REQUIRE(wait_for([&] { return sink.sealed().size() >= 4; }, std::chrono::seconds(60)));
    REQUIRE((*pipeline)->shutdown());
    for (const auto& s : sink.sealed()) files.push_back(out / s.file_name);
  };
  temp_dir with_osd, without_osd;
  std::vector<fs::path> osd_files, plain_files;
  record(true, false, true, osd_files, with_osd.path());
  record(false, true, false, plain_files, without_osd.path());

  // Font 10 px (240 / 24), margin 5: text lines at y 5..30, the marker line below them, black elsewhere.
  const auto first = first_frame_luma(osd_files.front());
  const auto last = first_frame_luma(osd_files.back());
  const auto plain = first_frame_luma(plain_files.front());
  REQUIRE(first.size() == std::size_t{320} * 240);
  REQUIRE(plain.size() == std::size_t{320} * 240);
  CHECK(bright_pixels(first, width, 0, 0, 240, 32) > 150);  // date-time, device and officer
  CHECK(bright_pixels(first, width, 0, 34, 240, 56) > 50);  // "CLOCK NOT SYNCED" (caller said unsynced)
  CHECK(bright_pixels(last, width, 0, 0, 240, 32) > 150);
  CHECK(bright_pixels(last, width, 0, 34, 240, 56) == 0);    // marker gone after set_clock_synced(true)
  CHECK(bright_pixels(plain, width, 0, 0, 320, 240) == 0);   // no OSD: the black source stays black
  CHECK(bright_pixels(first, width, 0, 60, 320, 240) == 0);  // the OSD draws only where it should
}

TEST_CASE("pre-event: the first segment begins with the buffered GOPs, timestamps intact", "[integration]") {
  temp_dir dir;
  recording_sink sink;
  posix_segment_storage storage;
  auto config = small_config(dir.path());
  config.pre_event.duration = std::chrono::seconds(2);
  auto pipeline = recording_pipeline::open(config, sink, storage);
  REQUIRE(pipeline);
  // Idle until the ring is full and has already aged out older GOPs.
  REQUIRE(wait_for(
      [&] {
        const auto s = (*pipeline)->status();
        return s.pre_event_buffered >= std::chrono::seconds(2) && s.counters.pre_event_dropped > 0;
      },
      std::chrono::seconds(60)));
  CHECK(sink.opened().empty());  // nothing is written while idle
  REQUIRE((*pipeline)->start("PRE"));
  REQUIRE(wait_for([&] { return sink.sealed().size() >= 2; }, std::chrono::seconds(60)));
  REQUIRE((*pipeline)->stop(close_reason::stop));
  REQUIRE((*pipeline)->shutdown());

  const auto opened = sink.opened();
  REQUIRE_FALSE(opened.empty());
  REQUIRE(opened[0].pre_event_start);
  REQUIRE(opened[0].live_start);
  const auto pre = *opened[0].pre_event_start;
  const auto live = *opened[0].live_start;
  INFO("pre-event from " << to_string(pre) << ", live from " << to_string(live));
  // GOP-aligned ring of 2 s with 1 s GOPs: between 2 and 3 s before the start.
  CHECK(elapsed(pre, live) >= std::chrono::seconds(2));
  CHECK(elapsed(pre, live) < std::chrono::seconds(3));
  CHECK_FALSE(opened[1].pre_event_start);  // only the first segment of a session carries it

  const auto sealed = sink.sealed();
  // Contiguous across pre-event → live, hashes and fragments as reported.
  const auto spans = check_file_against_summary(dir.path(), sealed[0], sink.fragments());
  const auto* video = sealed[0].find_track(track_kind::video);
  REQUIRE(video);
  // The file starts at the ring's first keyframe, on the original timeline (later than its start, not 0).
  CHECK(media_time{spans.at("video").first, video->base} == pre);
  CHECK(pre > media_time::from_chrono(timeline_start));
  // Video only in the ring: audio begins with live recording (the first segments may hold no audio at all).
  std::optional<media_time> first_audio;
  for (const auto& s : sealed)
    if (const auto* audio = s.find_track(track_kind::audio); audio && !first_audio)
      first_audio = media_time{audio->first_pts, audio->base};
  REQUIRE(first_audio);
  CHECK(elapsed(live, *first_audio) > std::chrono::milliseconds(-100));
}

TEST_CASE("pass-through: H.264 from a file source is segmented without re-encoding", "[integration]") {
  temp_dir source_dir, dir;
  const fs::path source = source_dir.path() / "camera.mp4";
  const auto made = run_shell(
      "ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=320x240:rate=15 -t 3 -c:v libx264 "
      "-preset veryfast -g 15 -bf 0 -pix_fmt yuv420p " +
      shell_quote(source.string()));
  REQUIRE(made.exit_code == 0);
  recording_sink sink;
  posix_segment_storage storage;
  auto config = small_config(dir.path());
  config.source.audio.reset();
  config.source.video = input_config{input_kind::file, source.string(), {}, true, input_end::finish};
  config.pre_event.duration = std::chrono::seconds(10);  // the whole file, however late start() is served
  config.encoder.video_encoder = "copy";
  config.osd.enabled = false;
  auto pipeline = recording_pipeline::open(config, sink, storage);
  REQUIRE(pipeline);
  REQUIRE((*pipeline)->start("PT"));
  REQUIRE((*pipeline)->wait_until_ended(std::chrono::milliseconds(60'000)));
  CHECK((*pipeline)->status().state == pipeline_state::finished);
  CHECK(sink.has_event(pipeline_event_kind::source_ended));
  REQUIRE((*pipeline)->shutdown());

  const auto sealed = sink.sealed();
  REQUIRE(sealed.size() == 2);  // 3 s: one 2 s segment and the rest
  CHECK(sealed[0].reason == close_reason::rollover);
  CHECK(sealed[1].reason == close_reason::stop);
  std::size_t packets = 0;
  std::vector<std::map<std::string, track_span>> spans;
  for (const auto& s : sealed) {
    spans.push_back(check_file_against_summary(dir.path(), s, sink.fragments()));
    packets += spans.back()["video"].packets;
  }
  CHECK(spans[0]["video"].end == spans[1]["video"].first);
  CHECK(packets == 45);  // every frame of the source, none re-encoded away
  // The packets are the source's own: same sizes, in order.
  const auto source_sizes = run_shell("ffprobe -v error -select_streams v -show_entries packet=size -of csv=p=0 " +
                                        shell_quote(source.string()));
  std::string recorded_sizes;
  for (const auto& s : sealed)
    recorded_sizes += run_shell("ffprobe -v error -select_streams v -show_entries packet=size -of csv=p=0 " +
                                  shell_quote((dir.path() / s.file_name).string()))
                          .out;
  CHECK(recorded_sizes == source_sizes.out);
}

TEST_CASE("audio from a file is looped, or padded with silence, for as long as the camera records", "[integration]") {
  tone_file tone(0.7);
  for (const auto at_end : {input_end::loop, input_end::pad_silence}) {
    const bool loop = at_end == input_end::loop;
    const std::string mode = loop ? "loop" : "pad_silence";
    INFO(mode);
    temp_dir dir;
    recording_sink sink;
    posix_segment_storage storage;
    auto config = small_config(dir.path());
    config.source.audio = input_config{input_kind::file, tone.path.string(), {}, false, at_end};
    auto pipeline = recording_pipeline::open(config, sink, storage);
    REQUIRE(pipeline);
    REQUIRE((*pipeline)->start(loop ? "LOOP" : "PAD"));
    const bool two_segments = wait_for([&] { return sink.sealed().size() >= 2; }, std::chrono::seconds(60));
    for (const auto& e : sink.events())
      UNSCOPED_INFO(to_string(e.kind) << " " << e.where << " " << e.count << " " << (e.error ? e.error->context : ""));
    const auto st = (*pipeline)->status();
    UNSCOPED_INFO("state " << to_string(st.state) << " captured " << st.captured.count() << " written "
                           << st.counters.packets_written << " audio frames " << st.counters.audio_frames_captured);
    for (const auto& q : st.queues) UNSCOPED_INFO(q.name << " depth " << q.depth << " pushed " << q.pushed);
    REQUIRE(two_segments);
    REQUIRE((*pipeline)->shutdown());
    const auto sealed = sink.sealed();
    std::vector<std::map<std::string, track_span>> spans;
    spans.reserve(sealed.size());
    for (const auto& s : sealed) spans.push_back(probe_spans(dir.path() / s.file_name));
    for (std::size_t k = 0; k + 1 < spans.size(); ++k) CHECK(spans[k]["audio"].end == spans[k + 1]["audio"].first);
    // Audio lasts as long as the video of each full segment (within one AAC frame), long after 0.7 s.
    const auto* video = sealed[1].find_track(track_kind::video);
    const auto* audio = sealed[1].find_track(track_kind::audio);
    REQUIRE(video);
    REQUIRE(audio);
    const auto gap = elapsed(media_time{video->end_pts, video->base}, media_time{audio->end_pts, audio->base});
    CHECK(gap < std::chrono::milliseconds(50));
    CHECK(gap > std::chrono::milliseconds(-50));
    const double loudest = max_volume_db(dir.path() / sealed[1].file_name);  // seconds 2..4 of the session
    if (loop)
      CHECK(loudest > -30.0);
    else
      CHECK(loudest < -60.0);
  }
}

TEST_CASE("a video file looped as the camera: re-encoded, timestamps continue across each loop", "[integration]") {
  temp_dir source_dir, dir;
  const fs::path source = source_dir.path() / "one-second.mkv";
  const auto made = run_shell("ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=160x120:rate=15 -t 1 -c:v ffv1 " +
                                shell_quote(source.string()));
  REQUIRE(made.exit_code == 0);
  recording_sink sink;
  posix_segment_storage storage;
  auto config = small_config(dir.path());
  config.source.audio.reset();
  config.source.video = input_config{input_kind::file, source.string(), {}, false, input_end::loop};
  auto pipeline = recording_pipeline::open(config, sink, storage);
  REQUIRE(pipeline);
  REQUIRE((*pipeline)->start("LOOPV"));
  REQUIRE(wait_for([&] { return sink.sealed().size() >= 2; }, std::chrono::seconds(60)));
  REQUIRE((*pipeline)->shutdown());
  const auto status = (*pipeline)->status();
  CHECK(status.counters.source_gap_frames == 0);  // each pass continues where the last one ended
  CHECK(status.counters.timestamp_fixups == 0);
  const auto sealed = sink.sealed();
  std::vector<std::map<std::string, track_span>> spans;
  spans.reserve(sealed.size());
  for (const auto& s : sealed) spans.push_back(check_file_against_summary(dir.path(), s, sink.fragments()));
  CHECK(spans[0]["video"].packets == 30);  // two passes of the 1 s file, scaled to 320x240
  CHECK(spans[0]["video"].end == spans[1]["video"].first);
}
