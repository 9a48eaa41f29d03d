#include "firmware/session/alsa_feedback.hpp"

#include "common/core/durable_file.hpp"
#include "firmware/media/av_handles.hpp"
#include "firmware/session/tone.hpp"
#include "firmware/session/wav_file.hpp"

extern "C" {
#include <libavdevice/avdevice.h>
}

#include <algorithm>
#include <cmath>
#include <mutex>

namespace bodycam::firmware::session {

namespace core = common::core;
namespace media = firmware::media;

namespace {

constexpr std::size_t max_prompt_file_bytes = 16U * 1024U * 1024U;
constexpr int samples_per_packet = 1024;

// The AVIOContext of a file output opened with avio_open (formats without AVFMT_NOFILE).
struct avio_closer {
  void operator()(AVIOContext* c) const noexcept { avio_closep(&c); }
};
using avio_ptr = std::unique_ptr<AVIOContext, avio_closer>;

const AVOutputFormat* find_output_format(const std::string& name) {
  static std::once_flag registered;
  std::call_once(registered, [] { avdevice_register_all(); });  // makes "alsa" known to libavformat
  return av_guess_format(name.c_str(), nullptr, nullptr);
}

}  // namespace

core::expected<std::unique_ptr<alsa_feedback>> alsa_feedback::make(audio_output output,
                                                                   const std::filesystem::path& prompt_file) {
  if (output.sample_rate < 8000 || output.sample_rate > 192000)
    return core::fail(core::errc::invalid_argument, "audio output sample rate: must be between 8000 and 192000, got " +
                                                        std::to_string(output.sample_rate));
  std::vector<std::int16_t> prompt;
  int prompt_rate = 0;
  if (!prompt_file.empty()) {
    auto bytes = core::read_file(prompt_file, max_prompt_file_bytes);
    if (!bytes) return std::unexpected(bytes.error());
    auto audio = parse_wav(*bytes);
    if (!audio) return core::wrap("prompt file " + prompt_file.string(), audio.error());
    const auto limit =
        static_cast<std::size_t>(audio->sample_rate) * static_cast<std::size_t>(max_tone_duration.count()) / 1000U;
    if (audio->samples.size() > limit)
      return core::fail(core::errc::invalid_argument,
                        "prompt file " + prompt_file.string() + ": " + std::to_string(audio->samples.size()) +
                            " samples at " + std::to_string(audio->sample_rate) + " Hz is longer than the " +
                            std::to_string(max_tone_duration.count()) + " ms limit");
    prompt.reserve(audio->samples.size());
    // parse_wav gives 16-bit files as v / 32768 exactly, so this gives their samples back bit for bit.
    for (float s : audio->samples)
      prompt.push_back(static_cast<std::int16_t>(std::clamp(std::lround(s * 32768.0F), -32768L, 32767L)));
    prompt_rate = audio->sample_rate;
  }
  return std::unique_ptr<alsa_feedback>(new alsa_feedback(std::move(output), std::move(prompt), prompt_rate));
}

core::status alsa_feedback::signal(feedback_signal what, std::string_view) {
  if (what == feedback_signal::prompt && !prompt_.empty()) return play(prompt_, prompt_rate_);
  const auto samples = tone_samples(what, output_.sample_rate);
  if (samples.empty()) return {};  // not audible
  return play(samples, output_.sample_rate);
}

core::status alsa_feedback::play(std::span<const std::int16_t> samples, int sample_rate) {
  const std::string object = output_.format + " " + output_.device;
  const AVOutputFormat* format = find_output_format(output_.format);
  if (!format)
    return core::fail(core::errc::unsupported,
                      "audio output " + object + ": format '" + output_.format + "' is not in this libavformat");
  AVFormatContext* raw = nullptr;
  if (int rc = avformat_alloc_output_context2(&raw, format, nullptr, output_.device.c_str()); rc < 0)
    return media::fail_av("allocate audio output", object, rc);
  // Declared before the context so it is closed after the context is freed (the deleter detaches pb).
  avio_ptr io;
  media::av_output_ptr ctx(raw);
  AVStream* stream = avformat_new_stream(ctx.get(), nullptr);
  if (!stream) return core::fail(core::errc::internal, "add audio stream " + object + ": out of memory");
  stream->codecpar->codec_type = AVMEDIA_TYPE_AUDIO;
  stream->codecpar->codec_id = AV_CODEC_ID_PCM_S16LE;
  stream->codecpar->sample_rate = sample_rate;
  stream->codecpar->format = AV_SAMPLE_FMT_S16;
  stream->codecpar->bits_per_coded_sample = 16;
  stream->codecpar->block_align = 2;
  stream->codecpar->bit_rate = static_cast<std::int64_t>(sample_rate) * 16;
  av_channel_layout_default(&stream->codecpar->ch_layout, 1);
  stream->time_base = AVRational{1, sample_rate};
  if (!(format->flags & AVFMT_NOFILE)) {
    AVIOContext* pb = nullptr;
    if (int rc = avio_open(&pb, output_.device.c_str(), AVIO_FLAG_WRITE); rc < 0)
      return media::fail_av("open audio output", object, rc);
    io.reset(pb);
    ctx->pb = pb;
  }
  // For "alsa" this opens the PCM device: a missing card fails here, naming the device.
  if (int rc = avformat_write_header(ctx.get(), nullptr); rc < 0)
    return media::fail_av("open audio output", object, rc);
  auto packet = media::make_packet();
  if (!packet) return std::unexpected(packet.error());
  for (std::size_t at = 0; at < samples.size(); at += samples_per_packet) {
    const auto n = std::min<std::size_t>(samples_per_packet, samples.size() - at);
    if (int rc = av_new_packet(packet->get(), static_cast<int>(n * 2)); rc < 0)
      return media::fail_av("allocate audio packet", object, rc);
    auto* data = (*packet)->data;
    for (std::size_t i = 0; i < n; ++i) {  // little-endian whatever the CPU
      const auto v = static_cast<std::uint16_t>(samples[at + i]);
      data[2 * i] = static_cast<std::uint8_t>(v & 0xFFU);
      data[2 * i + 1] = static_cast<std::uint8_t>(v >> 8U);
    }
    (*packet)->pts = (*packet)->dts = static_cast<std::int64_t>(at);
    (*packet)->duration = static_cast<std::int64_t>(n);
    (*packet)->stream_index = stream->index;
    const int rc = av_write_frame(ctx.get(), packet->get());
    av_packet_unref(packet->get());
    if (rc < 0) return media::fail_av("play audio on", object, rc);
  }
  if (int rc = av_write_trailer(ctx.get()); rc < 0) return media::fail_av("finish audio on", object, rc);
  if (io) {
    ctx->pb = nullptr;
    AVIOContext* pb = io.release();
    if (int rc = avio_closep(&pb); rc < 0) return media::fail_av("close audio output", object, rc);
  }
  return {};
}

}  // namespace bodycam::firmware::session
