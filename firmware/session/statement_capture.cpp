#include "firmware/session/statement_capture.hpp"

#include "firmware/media/av_handles.hpp"
#include "firmware/media/media_input.hpp"

namespace bodycam::firmware::session {

using namespace bodycam::common;

bool is_statement_finished(const voice_activity_detector& vad, std::chrono::milliseconds captured,
                           const statement_settings& settings) noexcept {
  if (captured >= settings.max_duration) return true;
  return vad.has_seen_speech() && vad.trailing_silence() >= settings.trailing_silence;
}

core::expected<captured_statement> capture_statement(const statement_settings& settings, const std::atomic<bool>& stop) {
  auto input = media::media_input::open(settings.source, media::track_kind::audio, true, {}, stop);
  if (!input) return core::wrap("capture statement", input.error());
  captured_statement out;
  out.audio.sample_rate = settings.sample_rate;
  vad_settings vs;
  vs.sample_rate = settings.sample_rate;
  voice_activity_detector vad(vs);
  media::swr_context_ptr resampler;
  AVChannelLayout mono{};
  av_channel_layout_default(&mono, 1);
  const auto max_samples = static_cast<std::size_t>(settings.max_duration.count()) *
                           static_cast<std::size_t>(settings.sample_rate) / 1000;
  std::vector<float> chunk;
  while (!stop.load()) {
    auto item = (*input)->next();
    if (!item) return core::wrap("capture statement", item.error());
    if (item->what == media::input_item::kind::end) break;
    if (item->what != media::input_item::kind::frame || !item->frame) continue;
    const AVFrame& frame = *item->frame;
    if (!resampler) {
      AVChannelLayout in_layout{};
      if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
        av_channel_layout_default(&in_layout, frame.ch_layout.nb_channels);
      else if (const int ret = av_channel_layout_copy(&in_layout, &frame.ch_layout); ret < 0)
        return media::fail_av("set up statement resampler", (*input)->description(), ret);
      SwrContext* raw = nullptr;
      const int ret = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, settings.sample_rate, &in_layout,
                                          static_cast<AVSampleFormat>(frame.format), frame.sample_rate, 0, nullptr);
      av_channel_layout_uninit(&in_layout);
      resampler.reset(raw);
      if (ret < 0) return media::fail_av("set up statement resampler", (*input)->description(), ret);
      if (const int init = swr_init(resampler.get()); init < 0)
        return media::fail_av("set up statement resampler", (*input)->description(), init);
    }
    const int room = swr_get_out_samples(resampler.get(), frame.nb_samples);
    if (room <= 0) continue;
    chunk.resize(static_cast<std::size_t>(room));
    auto* out_plane = reinterpret_cast<std::uint8_t*>(chunk.data());
    const int got = swr_convert(resampler.get(), &out_plane, room,
                                const_cast<const std::uint8_t**>(frame.extended_data), frame.nb_samples);
    if (got < 0) return media::fail_av("resample statement", (*input)->description(), got);
    chunk.resize(static_cast<std::size_t>(got));
    const std::size_t take = std::min(chunk.size(), max_samples - out.audio.samples.size());
    out.audio.samples.insert(out.audio.samples.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(take));
    vad.add_samples(std::span<const float>(chunk.data(), take));
    const auto captured = std::chrono::milliseconds(static_cast<long long>(out.audio.samples.size()) * 1000 /
                                                    settings.sample_rate);
    if (is_statement_finished(vad, captured, settings)) break;
  }
  av_channel_layout_uninit(&mono);
  out.vad = vad.result();
  return out;
}

}  // namespace bodycam::firmware::session
