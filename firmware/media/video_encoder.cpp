#include "firmware/media/video_encoder.hpp"

namespace bodycam::firmware::media {

namespace core = common::core;

namespace {
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
  auto encoder = find_encoder(e.video_encoder, AVMEDIA_TYPE_VIDEO);
  if (!encoder) return std::unexpected(encoder.error());
  const AVCodecID id = encoder->codec->id;
  if (id != AV_CODEC_ID_H264 && id != AV_CODEC_ID_HEVC)
    return core::fail(core::errc::unsupported, encoder->label + ": makes " + avcodec_get_name(id) +
                                                   ", segments need H.264 or H.265 video");
  AVCodecContext& c = *encoder->context;
  c.width = e.width;
  c.height = e.height;
  c.pix_fmt = preferred_format(encoder->codec->pix_fmts, AV_PIX_FMT_NONE, AV_PIX_FMT_YUV420P);
  c.time_base = AVRational{1, e.fps};
  c.framerate = AVRational{e.fps, 1};
  c.gop_size = e.gop_frames();
  c.keyint_min = e.gop_frames();
  c.max_b_frames = 0;  // invariant 1
  c.bit_rate = e.video_bit_rate;
  c.thread_count = e.threads;
  c.sample_aspect_ratio = AVRational{1, 1};
  c.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // mp4 keeps SPS/PPS in the moov (avcC)
  const auto& options = e.video_options.empty() ? default_options(e.video_encoder) : e.video_options;
  // Invariant 3: an option the encoder does not use fails the open.
  if (auto ok = open_encoder(*encoder, options, "for " + std::to_string(e.width) + "x" + std::to_string(e.height)); !ok)
    return ok;
  codec_ = std::move(encoder->context);
  auto frame = make_frame();
  if (!frame) return std::unexpected(frame.error());
  filtered_ = std::move(*frame);
  clock_synced_.store(config_.osd.clock_synced);
  filter_clock_synced_ = config_.osd.clock_synced;
  return {};
}

void video_encoder::set_session_line(std::string line) {
  std::lock_guard lock(session_line_mutex_);
  session_line_ = std::move(line);
  session_line_changed_.store(true);
}

video_encoder::~video_encoder() { fail_stills("the video encoder closed"); }

std::future<core::expected<still_frame>> video_encoder::request_still() {
  std::lock_guard lock(still_mutex_);
  still_waiters_.emplace_back();
  still_wanted_.store(true);
  return still_waiters_.back().get_future();
}

void video_encoder::hand_out_stills(const AVFrame& frame) {
  std::lock_guard lock(still_mutex_);
  for (auto& waiter : still_waiters_) {
    auto copy = make_frame();
    if (!copy) {
      waiter.set_value(std::unexpected(copy.error()));
      continue;
    }
    if (const int ret = av_frame_ref(copy->get(), &frame); ret < 0) {
      waiter.set_value(std::unexpected(fail_av("reference frame for photo", "", ret).error()));
      continue;
    }
    waiter.set_value(still_frame{std::move(*copy), frame.pts, packet_base(), last_captured_utc_});
  }
  still_waiters_.clear();
  still_wanted_.store(false);
}

void video_encoder::fail_stills(std::string_view why) {
  std::lock_guard lock(still_mutex_);
  for (auto& waiter : still_waiters_)
    waiter.set_value(core::fail(core::errc::closed, "take photo: " + std::string(why) + " before the next frame"));
  still_waiters_.clear();
  still_wanted_.store(false);
}

core::status video_encoder::encode(AVFrame& frame, std::chrono::system_clock::time_point captured_utc,
                                   const packet_consumer& consume) {
  last_captured_utc_ = captured_utc;
  if (!filter_) {
    const double captured = std::chrono::duration<double>(captured_utc.time_since_epoch()).count();
    const double frame_seconds = static_cast<double>(frame.pts) * av_q2d(codec_->time_base);
    video_filter_spec spec{codec_->width,       codec_->height,    codec_->pix_fmt,    packet_base(),
                           config_.osd,         config_.device_id, config_.officer_id, captured - frame_seconds,
                           clock_synced_.load(), "NO FIX", {}};
    {
      std::lock_guard lock(session_line_mutex_);
      spec.session_line = session_line_;
      session_line_changed_.store(false);
    }
    auto filter = video_filter::create(frame, spec);
    if (!filter) return core::wrap("build video filter", filter.error());
    filter_ = std::move(*filter);
    filter_clock_synced_ = spec.clock_synced;
  }
  if (const bool synced = clock_synced_.load(); synced != filter_clock_synced_) {
    if (auto ok = filter_->set_clock_synced(synced); !ok) return ok;
    filter_clock_synced_ = synced;
  }
  std::string place_text;
  {
    std::lock_guard lock(place_mutex_);
    if (place_version_ != filter_place_version_) {
      place_text = place_text_;
      filter_place_version_ = place_version_;
    }
  }
  // The place line is information, never a reason to stop recording: a failed update keeps the old text.
  if (!place_text.empty()) (void)filter_->set_place_text(place_text);
  if (session_line_changed_.exchange(false)) {
    std::string line;
    {
      std::lock_guard lock(session_line_mutex_);
      line = session_line_;
    }
    if (auto ok = filter_->set_session_line(line); !ok) return ok;
  }
  if (auto ok = filter_->push(&frame); !ok) return ok;
  return drain_filter(consume);
}

void video_encoder::set_place_text(std::string text) {
  std::lock_guard lock(place_mutex_);
  place_text_ = std::move(text);
  ++place_version_;
}

core::status video_encoder::drain_filter(const packet_consumer& consume) {
  while (true) {
    auto got = filter_->pull(filtered_.get());
    if (!got) return std::unexpected(got.error());
    if (!*got) return {};
    AVFrame* f = filtered_.get();
    if (still_wanted_.load()) hand_out_stills(*f);  // invariant 4
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
  return send_to_encoder(*codec_, frame, "encode video with " + config_.encoder.video_encoder,
                         [&consume](av_packet_ptr packet) -> core::status {
                           if (packet->duration <= 0) packet->duration = 1;  // invariant 2
                           return consume(std::move(packet));
                         });
}

core::status video_encoder::flush(const packet_consumer& consume) {
  fail_stills("the video stream ended");
  if (filter_) {
    if (auto ok = filter_->push(nullptr); !ok) return ok;
    if (auto ok = drain_filter(consume); !ok) return ok;
  }
  return send(nullptr, consume);
}

}  // namespace bodycam::firmware::media
