// Opening and running a libavcodec encoder, shared by audio_encoder and video_encoder; see encoder_context.hpp.
#include "firmware/media/encoder_context.hpp"

namespace bodycam::firmware::media {

namespace core = common::core;

core::expected<encoder_context> find_encoder(const std::string& name, AVMediaType type) {
  const std::string kind = type == AVMEDIA_TYPE_AUDIO ? "audio" : "video";
  encoder_context found;
  found.label = kind + " encoder '" + name + "'";
  found.codec = avcodec_find_encoder_by_name(name.c_str());
  if (found.codec == nullptr)
    return core::fail(core::errc::unsupported, found.label + ": not available in this libavcodec build");
  if (found.codec->type != type)
    return core::fail(core::errc::unsupported, found.label + ": is not " + (type == AVMEDIA_TYPE_AUDIO ? "an " : "a ") +
                                                   kind + " encoder");
  found.context.reset(avcodec_alloc_context3(found.codec));
  if (!found.context) return core::fail(core::errc::internal, found.label + ": out of memory");
  return found;
}

core::status open_encoder(encoder_context& encoder, const std::map<std::string, std::string>& options,
                          std::string_view settings) {
  AVDictionary* raw_options = nullptr;
  for (const auto& [key, value] : options) av_dict_set(&raw_options, key.c_str(), value.c_str(), 0);
  const int opened = avcodec_open2(encoder.context.get(), encoder.codec, &raw_options);
  const av_dictionary_ptr unused(raw_options);
  if (opened < 0) return fail_av("open " + encoder.label, settings, opened);
  if (const AVDictionaryEntry* u = av_dict_get(unused.get(), "", nullptr, AV_DICT_IGNORE_SUFFIX))
    return core::fail(core::errc::unsupported, encoder.label + ": unknown option '" + u->key + "'");
  return {};
}

core::status send_to_encoder(AVCodecContext& context, AVFrame* frame, std::string_view what,
                             const packet_consumer& consume) {
  if (const int ret = avcodec_send_frame(&context, frame); ret < 0 && ret != AVERROR_EOF)
    return fail_av(what, "", ret);
  while (true) {
    auto packet = make_packet();
    if (!packet) return std::unexpected(packet.error());
    const int ret = avcodec_receive_packet(&context, packet->get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return {};
    if (ret < 0) return fail_av(what, "", ret);
    if ((*packet)->dts == AV_NOPTS_VALUE) (*packet)->dts = (*packet)->pts;
    if (auto ok = consume(std::move(*packet)); !ok) return ok;
  }
}

}  // namespace bodycam::firmware::media
