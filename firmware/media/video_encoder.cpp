#include "firmware/media/video_encoder.hpp"

extern "C" {
#include <libavutil/opt.h>
}

namespace bodycam::firmware::media {

namespace core = common::core;

namespace {
AVPixelFormat choose_pixel_format(const AVCodec& codec) noexcept {
  if (!codec.pix_fmts) return AV_PIX_FMT_YUV420P;
  for (const AVPixelFormat* f = codec.pix_fmts; *f != AV_PIX_FMT_NONE; ++f)
    if (*f == AV_PIX_FMT_YUV420P) return *f;
  return codec.pix_fmts[0];
}

// What a body camera wants from libx264 unless configured otherwise: fast, no lookahead delay, keyframes only
// where we force them (no scene-cut keyframes), and forced keyframes as IDR so every fragment decodes alone.
std::map<std::string, std::string> default_options(const std::string& encoder) {
  if (encoder == "libx264")
    return {{"preset", "veryfast"}, {"tune", "zerolatency"}, {"forced-idr", "1"}, {"sc_threshold", "0"}};
  return {};
}
}  // namespace

core::expected<std::unique_ptr<video_encoder>> video_encoder::open(const pipeline_config& config) {
  std::unique_ptr<video_encoder> encoder(new video_encoder(config));
  if (auto ok = encoder->start(); !ok) return std::unexpected(ok.error());
  return encoder;
}

core::status video_encoder::start() {
  const auto& e = config_.encoder;
  const std::string what = "video encoder '" + e.video_encoder + "'";
  const AVCodec* codec = avcodec_find_encoder_by_name(e.video_encoder.c_str());
  if (!codec) return core::fail(core::errc::unsupported, what + ": not available in this libavcodec build");
  if (codec->type != AVMEDIA_TYPE_VIDEO || (codec->id != AV_CODEC_ID_H264 && codec->id != AV_CODEC_ID_HEVC))
    return core::fail(core::errc::unsupported,
                      what + ": makes " + avcodec_get_name(codec->id) + ", segments need H.264 or H.265 video");
  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_) return core::fail(core::errc::internal, what + ": out of memory");
  codec_->width = e.width;
  codec_->height = e.height;
  codec_->pix_fmt = choose_pixel_format(*codec);
  codec_->time_base = AVRational{1, e.fps};
  codec_->framerate = AVRational{e.fps, 1};
  codec_->gop_size = e.gop_frames();
  codec_->keyint_min = e.gop_frames();
  codec_->max_b_frames = 0;  // invariant 1
  codec_->bit_rate = e.video_bit_rate;
  codec_->thread_count = e.threads;
  codec_->sample_aspect_ratio = AVRational{1, 1};
  codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // mp4 keeps SPS/PPS in the moov (avcC)

  AVDictionary* raw_options = nullptr;
  for (const auto& [key, value] : e.video_options.empty() ? default_options(e.video_encoder) : e.video_options)
    av_dict_set(&raw_options, key.c_str(), value.c_str(), 0);
  const int opened = avcodec_open2(codec_.get(), codec, &raw_options);
  const av_dictionary_ptr unused(raw_options);
  if (opened < 0)
    return fail_av("open " + what + " for", std::to_string(e.width) + "x" + std::to_string(e.height), opened);
  if (const AVDictionaryEntry* u = av_dict_get(unused.get(), "", nullptr, AV_DICT_IGNORE_SUFFIX))
    return core::fail(core::errc::unsupported, what + ": unknown option '" + u->key + "'");  // invariant 3
  auto frame = make_frame();
  if (!frame) return std::unexpected(frame.error());
  filtered_ = std::move(*frame);
  clock_synced_.store(config_.osd.clock_synced);
  filter_clock_synced_ = config_.osd.clock_synced;
  return {};
}

core::status video_encoder::encode(AVFrame& frame, std::chrono::system_clock::time_point captured_utc,
                                   const packet_consumer& consume) {
  if (!filter_) {
    const double captured = std::chrono::duration<double>(captured_utc.time_since_epoch()).count();
    const double frame_seconds = static_cast<double>(frame.pts) * av_q2d(codec_->time_base);
    video_filter_spec spec{codec_->width,       codec_->height,    codec_->pix_fmt,    packet_base(),
                           config_.osd,         config_.device_id, config_.officer_id, captured - frame_seconds,
                           clock_synced_.load()};
    auto filter = video_filter::create(frame, spec);
    if (!filter) return core::wrap("build video filter", filter.error());
    filter_ = std::move(*filter);
    filter_clock_synced_ = spec.clock_synced;
  }
  if (const bool synced = clock_synced_.load(); synced != filter_clock_synced_) {
    if (auto ok = filter_->set_clock_synced(synced); !ok) return ok;
    filter_clock_synced_ = synced;
  }
  if (auto ok = filter_->push(&frame); !ok) return ok;
  return drain_filter(consume);
}

core::status video_encoder::drain_filter(const packet_consumer& consume) {
  while (true) {
    auto got = filter_->pull(filtered_.get());
    if (!got) return std::unexpected(got.error());
    if (!*got) return {};
    AVFrame* f = filtered_.get();
    // Invariant 1: keyframes on the GOP grid of the timeline, or when asked.
    const std::int64_t gop = config_.encoder.gop_frames();
    if (!next_keyframe_pts_ || f->pts >= *next_keyframe_pts_ || keyframe_requested_.exchange(false)) {
      f->pict_type = AV_PICTURE_TYPE_I;
      f->key_frame = 1;
      const std::int64_t grid = media_time::from_chrono(timeline_start).rescaled(packet_base()).ticks;
      next_keyframe_pts_ = grid + ((f->pts - grid) / gop + 1) * gop;
    } else {
      f->pict_type = AV_PICTURE_TYPE_NONE;
      f->key_frame = 0;
    }
    auto sent = send(f, consume);
    av_frame_unref(f);
    if (!sent) return sent;
  }
}

core::status video_encoder::send(AVFrame* frame, const packet_consumer& consume) {
  const std::string what = "encode video with " + config_.encoder.video_encoder;
  if (const int ret = avcodec_send_frame(codec_.get(), frame); ret < 0 && ret != AVERROR_EOF)
    return fail_av(what, "", ret);
  while (true) {
    auto packet = make_packet();
    if (!packet) return std::unexpected(packet.error());
    const int ret = avcodec_receive_packet(codec_.get(), packet->get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return {};
    if (ret < 0) return fail_av(what, "", ret);
    AVPacket* p = packet->get();
    if (p->duration <= 0) p->duration = 1;  // invariant 2
    if (p->dts == AV_NOPTS_VALUE) p->dts = p->pts;
    if (auto ok = consume(std::move(*packet)); !ok) return ok;
  }
}

core::status video_encoder::flush(const packet_consumer& consume) {
  if (filter_) {
    if (auto ok = filter_->push(nullptr); !ok) return ok;
    if (auto ok = drain_filter(consume); !ok) return ok;
  }
  return send(nullptr, consume);
}

}  // namespace bodycam::firmware::media
