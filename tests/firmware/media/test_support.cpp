#include "test_support.hpp"

#include "common/core/durable_file.hpp"
#include "common/crypto/merkle.hpp"
#include "firmware/media/mp4_box_walker.hpp"

extern "C" {
#include <libavutil/log.h>
}

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include <catch2/catch.hpp>

namespace bodycam::firmware::media::test {

namespace fs = std::filesystem;
using bodycam::tests::run_shell;
using bodycam::tests::shell_quote;

void recording_sink::on_segment_opened(const segment_opened& info) {
  std::lock_guard lock(mutex_);
  opened_.push_back(info);
  calls_.push_back("open " + info.file_name);
}
void recording_sink::on_fragment_durable(const fragment_info& info) {
  std::lock_guard lock(mutex_);
  fragments_.push_back(info);
  calls_.push_back("fragment " + info.file_name);
}
void recording_sink::on_segment_sealed(const segment_summary& summary) {
  std::lock_guard lock(mutex_);
  sealed_.push_back(summary);
  calls_.push_back("seal " + summary.file_name);
}
void recording_sink::on_pipeline_event(const pipeline_event& event) {
  std::lock_guard lock(mutex_);
  events_.push_back(event);
}
std::vector<segment_opened> recording_sink::opened() const {
  std::lock_guard lock(mutex_);
  return opened_;
}
std::vector<fragment_info> recording_sink::fragments() const {
  std::lock_guard lock(mutex_);
  return fragments_;
}
std::vector<segment_summary> recording_sink::sealed() const {
  std::lock_guard lock(mutex_);
  return sealed_;
}
std::vector<pipeline_event> recording_sink::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}
std::uint64_t recording_sink::event_count(pipeline_event_kind kind) const {
  std::lock_guard lock(mutex_);
  std::uint64_t n = 0;
  for (const auto& e : events_)
    if (e.kind == kind) n += e.count;
  return n;
}
bool recording_sink::has_event(pipeline_event_kind kind) const {
  std::lock_guard lock(mutex_);
  for (const auto& e : events_)
    if (e.kind == kind) return true;
  return false;
}
std::string recording_sink::order_violation() const {
  std::lock_guard lock(mutex_);
  std::string open;
  for (const auto& call : calls_) {
    const auto space = call.find(' ');
    const std::string verb = call.substr(0, space), name = call.substr(space + 1);
    if (verb == "open") {
      if (!open.empty()) return std::string("opened ").append(name).append(" while ").append(open).append(" was open");
      open = name;
    } else if (name != open) {
      std::string violation = verb;
      violation.append(" ").append(name).append(" while ").append(open.empty() ? "nothing" : open).append(" was open");
      return violation;
    } else if (verb == "seal") {
      open.clear();
    }
  }
  return "";
}

pipeline_config small_config(const fs::path& output_dir) {
  quiet_libav();
  pipeline_config c;
  c.source.video.kind = input_kind::lavfi;
  c.source.video.url = "testsrc2=size=320x240:rate=15";
  input_config audio;
  audio.kind = input_kind::lavfi;
  audio.url = "sine=frequency=440:sample_rate=48000";
  c.source.audio = audio;
  c.encoder.width = 320;
  c.encoder.height = 240;
  c.encoder.fps = 15;
  c.encoder.gop = std::chrono::seconds(1);
  c.encoder.video_bit_rate = 300'000;
  c.encoder.sample_rate = 48'000;
  c.encoder.channels = 1;
  c.segment.duration = std::chrono::seconds(2);
  c.pre_event.duration = std::chrono::seconds(0);
  c.output_dir = output_dir.string();
  c.device_id = "CAM-0042";
  c.officer_id = "PC 1234";
  return c;
}

namespace {
// ffprobe prints "N/A" where it has no value (an audio track without packets has no frame count).
std::int64_t number_or(const std::string& text, std::int64_t fallback) {
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    return fallback;
  }
}
}  // namespace

probe_result probe_packets(const fs::path& file) {
  // One ffprobe run per file (each start of ffprobe costs most of a second here): -count_frames makes it
  // decode every frame of every stream, so decoder errors land in its stderr.
  probe_result r;
  const auto run = run_shell(
      "ffprobe -v error -count_frames -show_entries "
      "stream=index,codec_type,time_base,nb_read_frames:"
      "packet=codec_type,stream_index,pts,dts,duration,flags -of csv " +
      shell_quote(file.string()));
  r.errors = run.err;
  r.exit_code = run.exit_code;
  std::istringstream lines(run.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, ',');) f.push_back(field);
    if (f.size() >= 5 && f[0] == "stream") {
      // stream,index,codec_type,time_base,nb_read_frames
      if (f[2] == "video") {
        r.time_base_video = f[3];
        r.video_frames_decoded = number_or(f[4], 0);
      } else if (f[2] == "audio") {
        r.time_base_audio = f[3];
        r.audio_frames_decoded = number_or(f[4], 0);
      }
    } else if (f.size() >= 7 && f[0] == "packet") {
      // packet,codec_type,stream_index,pts,dts,duration,flags
      probed_packet p;
      p.type = f[1];
      p.stream = std::stoi(f[2]);
      p.pts = number_or(f[3], -1);
      p.dts = number_or(f[4], -1);
      p.duration = number_or(f[5], -1);
      p.key = f[6].find('K') != std::string::npos;
      r.packets.push_back(p);
    }
  }
  return r;
}

std::string sha256sum_of(const fs::path& file) {
  const auto r = run_shell("sha256sum " + shell_quote(file.string()));
  return r.out.substr(0, 64);
}

common::core::byte_buffer read_whole_file(const fs::path& file) {
  auto bytes = common::core::read_file(file, 512u << 20);
  if (!bytes) throw std::runtime_error(bytes.error().context);
  return *bytes;
}

bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

void quiet_libav() { av_log_set_level(AV_LOG_ERROR); }

std::map<std::string, track_span> check_file_against_summary(const fs::path& dir, const segment_summary& s,
                                                             const std::vector<fragment_info>& reported) {
  namespace crypto = common::crypto;
  using common::core::byte_view;
  INFO("segment " << s.file_name);
  const fs::path file = dir / s.file_name;
  if (!fs::exists(file)) {
    FAIL_CHECK("missing " << file);
    return {};
  }
  CHECK_FALSE(fs::exists(dir / (s.file_name + ".partial")));
  const auto bytes = read_whole_file(file);
  CHECK(bytes.size() == s.byte_length);
  CHECK(sha256sum_of(file) == s.file_sha256.to_hex());

  auto layout = parse_fmp4_layout(bytes);
  REQUIRE(layout);
  CHECK(layout->incomplete_tail == 0);
  CHECK(layout->init_length == s.init_length);
  CHECK(crypto::sha256(byte_view(bytes).first(layout->init_length)) == s.init_sha256);
  CHECK(layout->fragments.size() == s.fragment_count);
  std::vector<fragment_info> mine;
  for (const auto& f : reported)
    if (f.file_name == s.file_name && f.session_id == s.session_id) mine.push_back(f);
  CHECK(mine.size() == layout->fragments.size());
  std::vector<crypto::sha256_digest> leaves;
  std::uint64_t covered = layout->init_length;
  for (std::size_t i = 0; i < layout->fragments.size(); ++i) {
    const auto& span = layout->fragments[i];
    const auto digest = crypto::sha256(byte_view(bytes).subspan(span.offset, span.length));
    leaves.push_back(digest);
    covered += span.length;
    if (i >= mine.size()) continue;
    CHECK(mine[i].index == i);
    CHECK(mine[i].offset == span.offset);
    CHECK(mine[i].length == span.length);
    CHECK(digest == mine[i].sha256);
  }
  CHECK(crypto::merkle_root(leaves) == s.fragment_root);
  CHECK(layout->tail_length == s.unsigned_tail_bytes);
  CHECK(covered + s.unsigned_tail_bytes == s.byte_length);
  return probe_spans(file);  // ffprobe decodes every frame and checks the timestamps
}

std::map<std::string, track_span> probe_spans(const fs::path& file) {
  const auto probe = probe_packets(file);
  INFO("ffprobe " << file << ": " << probe.errors);
  CHECK(probe.exit_code == 0);
  CHECK(probe.errors.empty());
  std::size_t video_packets = 0;
  for (const auto& p : probe.packets)
    if (p.type == "video") ++video_packets;
  CHECK(probe.video_frames_decoded == static_cast<std::int64_t>(video_packets));  // every frame decoded
  // libavformat writes a duration of 0 (ffprobe prints N/A) for an audio sample that ends a fragment while the
  // track's next sample is not yet known; such a sample is taken to last its track's usual duration, so a gap
  // or an overlap after it still fails.
  std::map<std::string, std::map<std::int64_t, std::size_t>> durations;
  for (const auto& p : probe.packets)
    if (p.duration > 0) ++durations[p.type][p.duration];
  const auto usual = [&](const std::string& type) -> std::int64_t {
    const auto& counts = durations[type];
    const auto most = std::max_element(counts.begin(), counts.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
    return most == counts.end() ? -1 : most->first;
  };
  std::map<std::string, track_span> spans;
  for (const auto& raw : probe.packets) {
    auto p = raw;
    if (p.duration <= 0) p.duration = usual(p.type);
    auto [it, fresh] = spans.try_emplace(p.type, track_span{p.pts, p.pts + p.duration, 0});
    if (fresh && p.type == "video") CHECK(p.key);
    if (!fresh) {
      INFO(p.type << " packet at pts " << p.pts << " in " << file.filename());
      CHECK(p.pts == it->second.end);  // contiguous inside the file: no gap, no overlap
    }
    it->second.end = p.pts + p.duration;
    ++it->second.packets;
  }
  return spans;
}

common::core::byte_buffer first_frame_luma(const fs::path& file) {
  const auto r = run_shell("ffmpeg -nostdin -v error -i " + shell_quote(file.string()) +
                             " -frames:v 1 -f rawvideo -pix_fmt gray -");
  return common::core::byte_buffer(r.out.begin(), r.out.end());
}

std::size_t bright_pixels(const common::core::byte_buffer& luma, int width, int x0, int y0, int x1, int y1,
                          std::uint8_t threshold) {
  std::size_t n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const auto at = static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x);
      if (at < luma.size() && luma[at] > threshold) ++n;
    }
  return n;
}

}  // namespace bodycam::firmware::media::test
