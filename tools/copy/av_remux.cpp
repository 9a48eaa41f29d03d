// The libav side of the viewing copy (av_remux.hpp): demux each segment, move its timestamps, mux them into
// one MP4. The RAII owners here are the few this needs; tools/ may not link firmware/media's.
#include "tools/copy/av_remux.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
}

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <optional>

namespace bodycam::tools::copy {

namespace core = common::core;

namespace {

struct av_input_deleter {
  void operator()(AVFormatContext* c) const noexcept { avformat_close_input(&c); }
};
// An output whose pb we opened with avio_open; a pb still open here is closed without a trailer (the file is
// incomplete, and the caller removes it).
struct av_output_deleter {
  void operator()(AVFormatContext* c) const noexcept {
    if (c->pb != nullptr) avio_closep(&c->pb);
    avformat_free_context(c);
  }
};
struct av_packet_deleter {
  void operator()(AVPacket* p) const noexcept { av_packet_free(&p); }
};
using av_input_ptr = std::unique_ptr<AVFormatContext, av_input_deleter>;
using av_output_ptr = std::unique_ptr<AVFormatContext, av_output_deleter>;
using av_packet_ptr = std::unique_ptr<AVPacket, av_packet_deleter>;

constexpr AVRational microseconds_base{1, 1'000'000};
constexpr std::size_t max_tracks = 2;  // video, audio
constexpr std::size_t max_peeked_packets = 4096;

std::unexpected<core::error> fail_av(const std::string& operation, int code) {
  std::array<char, AV_ERROR_MAX_STRING_SIZE> text{};
  if (av_strerror(code, text.data(), text.size()) < 0)
    return core::fail(core::errc::internal, operation + ": libav error");
  const core::errc kind = code == AVERROR(ENOSPC)       ? core::errc::no_space
                          : code == AVERROR(ENOENT)     ? core::errc::not_found
                          : code == AVERROR_INVALIDDATA ? core::errc::malformed
                                                        : core::errc::internal;
  return core::fail(kind, operation + ": " + text.data());
}

// The tracks a segment contributes: its first video and first audio stream (R2), input index per track.
struct track_map {
  std::array<int, max_tracks> input{-1, -1};
  std::size_t count = 0;
};

track_map map_tracks(const AVFormatContext& in) {
  track_map m;
  for (unsigned i = 0; i < in.nb_streams; ++i) {
    const auto type = in.streams[i]->codecpar->codec_type;
    const std::size_t slot = type == AVMEDIA_TYPE_VIDEO ? 0 : type == AVMEDIA_TYPE_AUDIO ? 1 : max_tracks;
    if (slot < max_tracks && m.input[slot] < 0) m.input[slot] = static_cast<int>(i);
  }
  for (int i : m.input) m.count += i >= 0 ? 1 : 0;
  return m;
}

core::expected<av_input_ptr> open_segment(const remux_input& input) {
  AVFormatContext* raw = nullptr;
  if (const int rc = avformat_open_input(&raw, input.path.c_str(), nullptr, nullptr); rc < 0)
    return fail_av("open " + input.name + " as MP4", rc);
  av_input_ptr in(raw);
  if (const int rc = avformat_find_stream_info(in.get(), nullptr); rc < 0)
    return fail_av("read the tracks of " + input.name, rc);
  return in;
}

core::status add_output_tracks(AVFormatContext& out, const AVFormatContext& in, const track_map& m,
                               const std::string& name) {
  for (int index : m.input) {
    if (index < 0) continue;
    AVStream* o = avformat_new_stream(&out, nullptr);
    if (o == nullptr) return core::fail(core::errc::internal, "add a track for " + name + ": out of memory");
    const AVStream* i = in.streams[index];
    if (const int rc = avcodec_parameters_copy(o->codecpar, i->codecpar); rc < 0)
      return fail_av("copy the track parameters of " + name, rc);
    o->codecpar->codec_tag = 0;
    o->time_base = i->time_base;
  }
  return {};
}

// R2: the same tracks with the same codecs and picture size as the first segment.
core::status check_same_tracks(const AVFormatContext& first, const track_map& first_map, const AVFormatContext& in,
                               const track_map& m, const std::string& name) {
  for (std::size_t t = 0; t < max_tracks; ++t) {
    if ((first_map.input[t] < 0) != (m.input[t] < 0))
      return core::fail(core::errc::unsupported, name + " has other tracks than the first segment (video " +
                                                     (m.input[0] >= 0 ? "yes" : "no") + ", audio " +
                                                     (m.input[1] >= 0 ? "yes" : "no") + "); no copy made");
    if (m.input[t] < 0) continue;
    const AVCodecParameters* a = first.streams[first_map.input[t]]->codecpar;
    const AVCodecParameters* b = in.streams[m.input[t]]->codecpar;
    if (a->codec_id != b->codec_id || a->width != b->width || a->height != b->height ||
        a->sample_rate != b->sample_rate)
      return core::fail(core::errc::unsupported,
                        name + ": its " + (t == 0 ? "video" : "audio") +
                            " track differs from the first segment's (codec or size); no copy made");
  }
  return {};
}

// One segment being read: the packets peeked to learn where each track starts, then the rest.
class segment_reader {
 public:
  segment_reader(AVFormatContext& in, const track_map& m) : in_(in), map_(m) {}

  // Reads until every mapped track has a packet (or the file ends); the first dts of each, in µs.
  core::status peek(const std::string& name) {
    std::size_t seen = 0;
    while (seen < map_.count && peeked_.size() < max_peeked_packets) {
      av_packet_ptr p(av_packet_alloc());
      if (!p) return core::fail(core::errc::internal, "allocate a packet: out of memory");
      const int rc = av_read_frame(&in_, p.get());
      if (rc == AVERROR_EOF) break;
      if (rc < 0) return fail_av("read " + name, rc);
      const auto t = track_of(p->stream_index);
      if (!t) continue;
      if (p->dts == AV_NOPTS_VALUE) p->dts = p->pts;
      if (!first_[*t]) {
        first_[*t] = av_rescale_q(p->dts, in_.streams[p->stream_index]->time_base, microseconds_base);
        ++seen;
      }
      peeked_.push_back(std::move(p));
    }
    if (seen == 0) return core::fail(core::errc::malformed, name + " has no video or audio packet; no copy made");
    return {};
  }

  // The next packet of a mapped track (peeked ones first); nullptr at the end.
  core::expected<av_packet_ptr> next(const std::string& name) {
    if (next_peeked_ < peeked_.size()) return std::move(peeked_[next_peeked_++]);
    for (;;) {
      av_packet_ptr p(av_packet_alloc());
      if (!p) return core::fail(core::errc::internal, "allocate a packet: out of memory");
      const int rc = av_read_frame(&in_, p.get());
      if (rc == AVERROR_EOF) return av_packet_ptr{};
      if (rc < 0) return fail_av("read " + name, rc);
      if (!track_of(p->stream_index)) continue;
      if (p->dts == AV_NOPTS_VALUE) p->dts = p->pts;
      return p;
    }
  }

  [[nodiscard]] std::optional<std::size_t> track_of(int stream_index) const {
    for (std::size_t t = 0; t < max_tracks; ++t)
      if (map_.input[t] == stream_index) return t;
    return std::nullopt;
  }
  [[nodiscard]] const std::array<std::optional<std::int64_t>, max_tracks>& first() const { return first_; }

 private:
  AVFormatContext& in_;
  const track_map& map_;
  std::vector<av_packet_ptr> peeked_;
  std::size_t next_peeked_ = 0;
  std::array<std::optional<std::int64_t>, max_tracks> first_;
};

std::string libavformat_version() {
  const unsigned v = avformat_version();
  return "libavformat " + std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xFF) + "." +
         std::to_string(v & 0xFF);
}

}  // namespace

core::expected<remux_result> remux_segments(const std::vector<remux_input>& inputs, const std::filesystem::path& out) {
  if (inputs.empty()) return core::fail(core::errc::invalid_argument, "remux into " + out.string() + ": no segment");
  const std::string out_name = out.string();
  AVFormatContext* raw_out = nullptr;
  if (const int rc = avformat_alloc_output_context2(&raw_out, nullptr, "mp4", out_name.c_str()); rc < 0)
    return fail_av("prepare the MP4 " + out_name, rc);
  av_output_ptr output(raw_out);
  output->flags |= AVFMT_FLAG_BITEXACT;  // R3

  remux_result result;
  result.libavformat = libavformat_version();
  av_input_ptr first_input;
  track_map first_map;
  std::array<int, max_tracks> out_index{-1, -1};
  std::array<std::optional<std::int64_t>, max_tracks> end_us;    // end of each track in the copy so far
  std::array<std::optional<std::int64_t>, max_tracks> last_dts;  // in the output track's time base
  std::int64_t offset_us = 0;

  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const remux_input& input = inputs[k];
    auto in = open_segment(input);
    if (!in) return std::unexpected(in.error());
    const track_map m = map_tracks(**in);
    if (m.count == 0)
      return core::fail(core::errc::malformed, input.name + " has neither video nor audio; no copy made");
    if (k == 0) {
      first_map = m;
      if (auto ok = add_output_tracks(*output, **in, m, input.name); !ok) return std::unexpected(ok.error());
      if (const int rc = avio_open(&output->pb, out_name.c_str(), AVIO_FLAG_WRITE); rc < 0)
        return fail_av("create " + out_name, rc);
      AVDictionary* options = nullptr;
      av_dict_set(&options, "movflags", "+faststart", 0);
      const int rc = avformat_write_header(output.get(), &options);
      av_dict_free(&options);
      if (rc < 0) return fail_av("write the MP4 header of " + out_name, rc);
      int next = 0;
      for (std::size_t t = 0; t < max_tracks; ++t)
        if (m.input[t] >= 0) out_index[t] = next++;
    } else if (auto same = check_same_tracks(*first_input, first_map, **in, m, input.name); !same) {
      return std::unexpected(same.error());
    }

    segment_reader reader(**in, m);
    if (auto ok = reader.peek(input.name); !ok) return std::unexpected(ok.error());
    // R1: the offset of this segment, in µs.
    std::int64_t earliest = std::numeric_limits<std::int64_t>::max();
    std::int64_t required = std::numeric_limits<std::int64_t>::min();
    for (std::size_t t = 0; t < max_tracks; ++t) {
      if (!reader.first()[t]) continue;
      earliest = std::min(earliest, *reader.first()[t]);
      if (end_us[t]) required = std::max(required, *end_us[t] - *reader.first()[t]);
    }
    const std::int64_t gap = input.gap_before.count();
    if (k == 0)
      offset_us = gap - earliest;
    else if (required != std::numeric_limits<std::int64_t>::min() && offset_us < required)
      offset_us = required + gap;

    remuxed_segment seg;
    seg.start = std::chrono::microseconds(earliest + offset_us);
    std::int64_t segment_end = earliest + offset_us;
    for (;;) {
      auto p = reader.next(input.name);
      if (!p) return std::unexpected(p.error());
      if (!*p) break;
      AVPacket& pkt = **p;
      const std::size_t t = *reader.track_of(pkt.stream_index);
      const AVRational in_base = (*in)->streams[pkt.stream_index]->time_base;
      const std::int64_t shift = av_rescale_q(offset_us, microseconds_base, in_base);
      if (pkt.pts != AV_NOPTS_VALUE) pkt.pts += shift;
      pkt.dts += shift;
      const std::int64_t end_in = std::max(pkt.dts, pkt.pts == AV_NOPTS_VALUE ? pkt.dts : pkt.pts) + pkt.duration;
      const std::int64_t end = av_rescale_q(end_in, in_base, microseconds_base);
      end_us[t] = std::max(end_us[t].value_or(end), end);
      segment_end = std::max(segment_end, end);
      AVStream* o = output->streams[out_index[t]];
      pkt.stream_index = out_index[t];
      pkt.pos = -1;
      av_packet_rescale_ts(&pkt, in_base, o->time_base);
      if (last_dts[t] && pkt.dts <= *last_dts[t])
        return core::fail(core::errc::malformed, input.name + ": " + (t == 0 ? "video" : "audio") +
                                                     " timestamps go backwards at packet " +
                                                     std::to_string(seg.packets) + "; no copy made");
      last_dts[t] = pkt.dts;
      if (const int rc = av_interleaved_write_frame(output.get(), &pkt); rc < 0)
        return fail_av("write " + input.name + " into " + out_name, rc);
      ++seg.packets;
    }
    seg.duration = std::chrono::microseconds(segment_end) - seg.start;
    result.segments.push_back(seg);
    if (k == 0) first_input = std::move(*in);
  }
  if (const int rc = av_write_trailer(output.get()); rc < 0) return fail_av("write the MP4 index of " + out_name, rc);
  if (const int rc = avio_closep(&output->pb); rc < 0) return fail_av("close " + out_name, rc);
  std::int64_t total = 0;
  for (const auto& e : end_us)
    if (e) total = std::max(total, *e);
  result.duration = std::chrono::microseconds(total);
  return result;
}

}  // namespace bodycam::tools::copy
