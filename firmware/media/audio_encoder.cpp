#include "firmware/media/audio_encoder.hpp"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
}

#include <algorithm>

namespace bodycam::firmware::media {

namespace core = common::core;

core::expected<std::unique_ptr<audio_encoder>> audio_encoder::open(const encoder_config& config) {
  std::unique_ptr<audio_encoder> encoder(new audio_encoder(config));
  if (auto ok = encoder->start(); !ok) return std::unexpected(ok.error());
  return encoder;
}

core::status audio_encoder::start() {
  auto encoder = find_encoder(config_.audio_encoder, AVMEDIA_TYPE_AUDIO);
  if (!encoder) return std::unexpected(encoder.error());
  AVCodecContext& c = *encoder->context;
  c.sample_fmt = preferred_format(encoder->codec->sample_fmts, AV_SAMPLE_FMT_NONE, AV_SAMPLE_FMT_FLTP);
  c.sample_rate = config_.sample_rate;
  av_channel_layout_default(&c.ch_layout, config_.channels);
  c.bit_rate = config_.audio_bit_rate;
  c.time_base = AVRational{1, config_.sample_rate};
  c.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (auto ok = open_encoder(*encoder, {}, "at " + std::to_string(config_.sample_rate) + " Hz"); !ok) return ok;
  codec_ = std::move(encoder->context);
  const std::string& what = encoder->label;
  fifo_.reset(
      av_audio_fifo_alloc(codec_->sample_fmt, codec_->ch_layout.nb_channels, std::max(codec_->frame_size, 1024)));
  if (!fifo_) return core::fail(core::errc::internal, what + ": allocate sample FIFO: out of memory");
  auto frame = make_frame();
  if (!frame) return std::unexpected(frame.error());
  converted_ = std::move(*frame);
  return {};
}

core::status audio_encoder::set_up_resampler(const AVFrame& first) {
  // A WAV without a channel mask decodes with an unspecified channel order: take the default order for its
  // channel count (mono stays mono, stereo is left/right).
  AVChannelLayout input_layout{};
  if (first.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
    av_channel_layout_default(&input_layout, first.ch_layout.nb_channels);
  else if (const int ret = av_channel_layout_copy(&input_layout, &first.ch_layout); ret < 0)
    return fail_av("set up audio resampler", "", ret);
  SwrContext* raw = nullptr;
  const int ret = swr_alloc_set_opts2(&raw, &codec_->ch_layout, codec_->sample_fmt, codec_->sample_rate, &input_layout,
                                      static_cast<AVSampleFormat>(first.format), first.sample_rate, 0, nullptr);
  av_channel_layout_uninit(&input_layout);
  resampler_.reset(raw);
  if (ret < 0) return fail_av("set up audio resampler", "", ret);
  if (const int init = swr_init(resampler_.get()); init < 0) return fail_av("set up audio resampler", "", init);
  // Invariant 1: the first sample sits at timeline_start + start_offset.
  next_pts_ = media_time::from_chrono(timeline_start).rescaled(packet_base()).ticks;
  if (start_offset_ > 0) {
    // Silence ahead of the first sample: written through a zeroed frame of the encoder's format.
    av_frame_ptr silence(av_frame_alloc());
    if (!silence) return core::fail(core::errc::internal, "pad audio start: out of memory");
    silence->format = codec_->sample_fmt;
    silence->nb_samples = static_cast<int>(start_offset_);
    av_channel_layout_copy(&silence->ch_layout, &codec_->ch_layout);
    if (const int r = av_frame_get_buffer(silence.get(), 0); r < 0) return fail_av("pad audio start", "", r);
    av_samples_set_silence(silence->extended_data, 0, silence->nb_samples, silence->ch_layout.nb_channels,
                           codec_->sample_fmt);
    av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(silence->extended_data), silence->nb_samples);
  }
  started_ = true;
  return {};
}

core::status audio_encoder::encode(const AVFrame& frame, const packet_consumer& consume) {
  if (!started_)
    if (auto ok = set_up_resampler(frame); !ok) return ok;
  if (auto ok = resample(frame.extended_data, frame.nb_samples); !ok) return ok;
  int offset = 0;
  if (start_offset_ < 0) {  // drop samples captured before the camera's first frame
    offset = static_cast<int>(std::min<std::int64_t>(-start_offset_, converted_->nb_samples));
    start_offset_ += offset;
  }
  if (converted_->nb_samples > offset) {
    std::vector<void*> planes(static_cast<std::size_t>(codec_->ch_layout.nb_channels));
    const bool planar = av_sample_fmt_is_planar(codec_->sample_fmt) != 0;
    const int bytes_per_sample =
        av_get_bytes_per_sample(codec_->sample_fmt) * (planar ? 1 : codec_->ch_layout.nb_channels);
    for (std::size_t c = 0; c < planes.size() && (planar || c == 0); ++c)
      planes[c] = converted_->extended_data[c] + static_cast<std::ptrdiff_t>(offset) * bytes_per_sample;
    if (av_audio_fifo_write(fifo_.get(), planes.data(), converted_->nb_samples - offset) < 0)
      return core::fail(core::errc::internal, "queue audio samples: out of memory");
  }
  return encode_fifo(false, consume);
}

core::status audio_encoder::resample(std::uint8_t* const* input, int samples) {
  // swr_convert, not swr_convert_frame: the latter refuses frames whose layout is written differently from the
  // one the resampler was set up with (an unspecified-order mono WAV), although the samples are the same.
  av_frame_unref(converted_.get());
  converted_->format = codec_->sample_fmt;
  converted_->sample_rate = codec_->sample_rate;
  av_channel_layout_copy(&converted_->ch_layout, &codec_->ch_layout);
  converted_->nb_samples = swr_get_out_samples(resampler_.get(), samples);
  if (converted_->nb_samples <= 0) {
    converted_->nb_samples = 0;
    return {};
  }
  if (const int ret = av_frame_get_buffer(converted_.get(), 0); ret < 0) return fail_av("resample audio", "", ret);
  const int produced = swr_convert(resampler_.get(), converted_->extended_data, converted_->nb_samples,
                                   const_cast<const std::uint8_t**>(input), samples);
  if (produced < 0) return fail_av("resample audio", "", produced);
  converted_->nb_samples = produced;
  return {};
}

core::status audio_encoder::encode_fifo(bool final, const packet_consumer& consume) {
  const int frame_size = codec_->frame_size > 0 ? codec_->frame_size : 1024;
  while (av_audio_fifo_size(fifo_.get()) >= frame_size || (final && av_audio_fifo_size(fifo_.get()) > 0)) {
    const int count = std::min(frame_size, av_audio_fifo_size(fifo_.get()));
    av_frame_ptr frame(av_frame_alloc());
    if (!frame) return core::fail(core::errc::internal, "encode audio: out of memory");
    frame->format = codec_->sample_fmt;
    frame->sample_rate = codec_->sample_rate;
    frame->nb_samples = count;
    av_channel_layout_copy(&frame->ch_layout, &codec_->ch_layout);
    if (const int ret = av_frame_get_buffer(frame.get(), 0); ret < 0) return fail_av("encode audio", "", ret);
    if (av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(frame->extended_data), count) < count)
      return core::fail(core::errc::internal, "encode audio: sample FIFO underrun");
    frame->pts = next_pts_;  // invariant 1
    next_pts_ += count;
    if (auto ok = send(frame.get(), consume); !ok) return ok;
  }
  return {};
}

core::status audio_encoder::send(AVFrame* frame, const packet_consumer& consume) {
  return send_to_encoder(*codec_, frame, "encode audio with " + config_.audio_encoder, consume);
}

core::status audio_encoder::flush(const packet_consumer& consume) {
  if (!started_) return send(nullptr, consume);
  // Invariant 2: what the resampler still holds, then the partial last frame, then the encoder's delay.
  if (auto ok = resample(nullptr, 0); !ok) return ok;
  if (converted_->nb_samples > 0)
    if (av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(converted_->extended_data), converted_->nb_samples) <
        0)
      return core::fail(core::errc::internal, "queue audio samples: out of memory");
  if (auto ok = encode_fifo(true, consume); !ok) return ok;
  return send(nullptr, consume);
}

}  // namespace bodycam::firmware::media
