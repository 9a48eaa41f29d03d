#include "firmware/media/media_input.hpp"

extern "C" {
#include <libavdevice/avdevice.h>
#include <libavutil/samplefmt.h>
}

#include <algorithm>
#include <thread>

namespace bodycam::firmware::media {

namespace core = common::core;

namespace {
const char* format_name(input_kind kind) noexcept {
  switch (kind) {
    case input_kind::v4l2: return "video4linux2";
    case input_kind::alsa: return "alsa";
    case input_kind::lavfi: return "lavfi";
    case input_kind::file: return nullptr;  // probe the file
  }
  return nullptr;
}

constexpr int silence_frame_samples = 1024;
}  // namespace

media_input::media_input(const input_config& config, track_kind track, const std::atomic<bool>& stop)
    : config_(config), track_(track), stop_(stop) {
  description_ = to_string(track) + " source " + std::string(to_string(config.kind)) + " " + config.url;
}

media_input::~media_input() = default;

int media_input::interrupt_callback(void* opaque) noexcept {
  return static_cast<const std::atomic<bool>*>(opaque)->load() ? 1 : 0;  // invariant 4
}

core::expected<std::unique_ptr<media_input>> media_input::open(const input_config& config, track_kind track,
                                                               bool decode, input_hints hints,
                                                               const std::atomic<bool>& stop) {
  std::unique_ptr<media_input> input(new media_input(config, track, stop));
  if (auto ok = input->start(decode, hints); !ok) return std::unexpected(ok.error());
  return input;
}

const AVCodecParameters* media_input::parameters() const noexcept { return format_->streams[stream_index_]->codecpar; }

core::status media_input::start(bool decode, input_hints hints) {
  avdevice_register_all();  // idempotent: makes v4l2/alsa known to libavformat
  const AVInputFormat* format = nullptr;
  if (const char* name = format_name(config_.kind)) {
    format = av_find_input_format(name);
    if (!format)
      return core::fail(core::errc::unsupported, "open " + description_ + ": input format '" + name +
                                                     "' is not available in this libavformat/libavdevice build");
  }
  AVDictionary* raw_options = nullptr;
  for (const auto& [key, value] : config_.options) av_dict_set(&raw_options, key.c_str(), value.c_str(), 0);
  if (config_.kind == input_kind::v4l2 && !config_.options.contains("framerate"))
    av_dict_set(&raw_options, "framerate", std::to_string(hints.fps).c_str(), 0);

  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) {
    av_dict_free(&raw_options);
    return core::fail(core::errc::internal, "open " + description_ + ": out of memory");
  }
  raw->interrupt_callback.callback = &interrupt_callback;
  raw->interrupt_callback.opaque = const_cast<std::atomic<bool>*>(&stop_);
  const int opened = avformat_open_input(&raw, config_.url.c_str(), format, &raw_options);  // frees raw on error
  const av_dictionary_ptr unused_options(raw_options);
  if (opened < 0) return fail_av("open", description_, opened);
  format_.reset(raw);
  if (const AVDictionaryEntry* unused = av_dict_get(unused_options.get(), "", nullptr, AV_DICT_IGNORE_SUFFIX))
    return core::fail(core::errc::unsupported,
                      "open " + description_ + ": option '" + unused->key + "' is not known to this input");
  if (const int ret = avformat_find_stream_info(format_.get(), nullptr); ret < 0)
    return fail_av("read stream information of", description_, ret);

  const AVMediaType type = track_ == track_kind::video ? AVMEDIA_TYPE_VIDEO : AVMEDIA_TYPE_AUDIO;
  const AVCodec* codec = nullptr;
  const int index = av_find_best_stream(format_.get(), type, -1, -1, &codec, 0);
  if (index < 0) return fail_av("find " + to_string(track_) + " stream in", description_, index);
  stream_index_ = index;
  base_ = to_timebase(format_->streams[index]->time_base);
  auto packet = make_packet();
  if (!packet) return std::unexpected(packet.error());
  packet_ = std::move(*packet);
  if (!decode) return {};

  if (!codec) return core::fail(core::errc::unsupported, "open " + description_ + ": no decoder for its codec");
  decoder_.reset(avcodec_alloc_context3(codec));
  if (!decoder_) return core::fail(core::errc::internal, "open decoder of " + description_ + ": out of memory");
  if (const int ret = avcodec_parameters_to_context(decoder_.get(), format_->streams[index]->codecpar); ret < 0)
    return fail_av("configure decoder of", description_, ret);
  decoder_->pkt_timebase = format_->streams[index]->time_base;
  if (const int ret = avcodec_open2(decoder_.get(), codec, nullptr); ret < 0)
    return fail_av("open decoder " + std::string(codec->name) + " of", description_, ret);
  return {};
}

void media_input::track_time(std::int64_t pts, std::int64_t duration) noexcept {
  if (!first_pts_) first_pts_ = pts;
  const std::int64_t end = pts + std::max<std::int64_t>(duration, 0);
  if (!end_pts_ || end > *end_pts_) end_pts_ = end;
  ++delivered_in_pass_;
}

void media_input::pace(std::int64_t pts) {
  if (!config_.realtime || !first_pts_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!wall_start_) wall_start_ = now;
  const auto media = elapsed(media_time{*first_pts_, base_}, media_time{pts, base_});
  const auto due = *wall_start_ + media;
  // Sleep in short steps so that stop is honoured promptly (invariant 3 and 4).
  while (!stop_.load() && std::chrono::steady_clock::now() < due)
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(due - std::chrono::steady_clock::now(),
                                                                              std::chrono::milliseconds(20)));
}

core::expected<input_item> media_input::make_silence() {
  auto frame = make_frame();
  if (!frame) return std::unexpected(frame.error());
  AVFrame* f = frame->get();
  f->format = decoder_->sample_fmt;
  f->sample_rate = decoder_->sample_rate;
  if (const int ret = av_channel_layout_copy(&f->ch_layout, &decoder_->ch_layout); ret < 0)
    return fail_av("make silence for", description_, ret);
  f->nb_samples = silence_frame_samples;
  if (const int ret = av_frame_get_buffer(f, 0); ret < 0) return fail_av("make silence for", description_, ret);
  av_samples_set_silence(f->extended_data, 0, f->nb_samples, f->ch_layout.nb_channels,
                         static_cast<AVSampleFormat>(f->format));
  const std::int64_t duration =
      av_rescale_q(silence_frame_samples, AVRational{1, decoder_->sample_rate}, to_rational(base_));
  f->pts = end_pts_.value_or(0);
  f->pkt_duration = duration;
  track_time(f->pts, duration);
  pace(f->pts);
  return input_item{input_item::kind::frame, std::move(*frame), nullptr};
}

core::expected<input_item> media_input::at_end_of_input() {
  switch (config_.at_end) {
    case input_end::finish: return input_item{};
    case input_end::pad_silence:
      padding_ = true;  // invariant 2
      return make_silence();
    case input_end::loop: break;
  }
  if (delivered_in_pass_ == 0)
    return core::fail(core::errc::malformed,
                      "loop " + description_ + ": the file holds no " + to_string(track_) + " to repeat");
  // Invariant 2: the next pass starts where this one ended on the timeline.
  // A frame of the first pass at pts p comes again at p + loop_offset_, i.e. the first one at the old end.
  loop_offset_ = end_pts_.value_or(0) - first_pts_.value_or(0);
  const AVStream* stream = format_->streams[stream_index_];
  const std::int64_t start = stream->start_time == AV_NOPTS_VALUE ? 0 : stream->start_time;
  const int seek = av_seek_frame(format_.get(), stream_index_, start, AVSEEK_FLAG_BACKWARD);
  if (seek < 0) return fail_av("seek to the start of", description_, seek);
  if (decoder_) avcodec_flush_buffers(decoder_.get());
  draining_ = false;
  delivered_in_pass_ = 0;
  return next();
}

core::expected<input_item> media_input::next() {
  if (padding_) {
    if (stop_.load()) return input_item{};
    return make_silence();
  }
  while (true) {
    if (stop_.load()) return input_item{};  // invariant 4
    if (decoder_) {
      auto frame = make_frame();
      if (!frame) return std::unexpected(frame.error());
      const int got = avcodec_receive_frame(decoder_.get(), frame->get());
      if (got == 0) {
        AVFrame* f = frame->get();
        f->pts = f->best_effort_timestamp == AV_NOPTS_VALUE ? f->pts : f->best_effort_timestamp;
        if (f->pts == AV_NOPTS_VALUE) f->pts = end_pts_.value_or(0) - loop_offset_;
        f->pts += loop_offset_;
        std::int64_t duration = f->pkt_duration;
        if (duration <= 0 && track_ == track_kind::audio && f->sample_rate > 0)
          duration = av_rescale_q(f->nb_samples, AVRational{1, f->sample_rate}, to_rational(base_));
        if (duration <= 0 && track_ == track_kind::video) {
          const AVRational rate = format_->streams[stream_index_]->avg_frame_rate;
          if (rate.num > 0 && rate.den > 0) duration = av_rescale_q(1, av_inv_q(rate), to_rational(base_));
        }
        f->pkt_duration = duration;
        track_time(f->pts, duration);
        pace(f->pts);
        return input_item{input_item::kind::frame, std::move(*frame), nullptr};
      }
      if (got == AVERROR_EOF) return at_end_of_input();
      if (got != AVERROR(EAGAIN)) return fail_av("decode", description_, got);
      if (draining_) return at_end_of_input();
    }
    const int read = av_read_frame(format_.get(), packet_.get());
    if (read == AVERROR_EXIT || stop_.load()) {
      av_packet_unref(packet_.get());
      return input_item{};  // interrupted by stop (invariant 4)
    }
    if (read == AVERROR_EOF) {
      if (!decoder_) return at_end_of_input();
      draining_ = true;
      if (const int ret = avcodec_send_packet(decoder_.get(), nullptr); ret < 0 && ret != AVERROR_EOF)
        return fail_av("flush decoder of", description_, ret);
      continue;
    }
    if (read < 0) return fail_av("read", description_, read);
    if (packet_->stream_index != stream_index_) {
      av_packet_unref(packet_.get());
      continue;
    }
    if (decoder_) {
      const int sent = avcodec_send_packet(decoder_.get(), packet_.get());
      av_packet_unref(packet_.get());
      if (sent < 0 && sent != AVERROR(EAGAIN)) return fail_av("decode", description_, sent);
      continue;
    }
    // Pass-through: the packet itself, timestamps moved by the loop offset.
    auto out = make_packet();
    if (!out) return std::unexpected(out.error());
    av_packet_move_ref(out->get(), packet_.get());
    AVPacket* p = out->get();
    if (p->dts == AV_NOPTS_VALUE) p->dts = p->pts;
    if (p->pts == AV_NOPTS_VALUE) p->pts = p->dts;
    if (p->pts == AV_NOPTS_VALUE)
      return core::fail(core::errc::malformed, "read " + description_ + ": packet without a timestamp");
    p->pts += loop_offset_;
    p->dts += loop_offset_;
    track_time(p->pts, p->duration);
    pace(p->pts);
    return input_item{input_item::kind::packet, nullptr, std::move(*out)};
  }
}

}  // namespace bodycam::firmware::media
