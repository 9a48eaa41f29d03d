// What the audio and the video encoder share when they open and run a libavcodec encoder: finding it by
// name and checking the media type it makes, opening it with options, and the canonical send/receive loop.
// Guarantees: every error names the encoder ("video encoder 'libx264': unknown option 'x'"); an option the
// encoder does not use is an error at open, never silently dropped; every packet handed on has a dts (the
// pts where the encoder leaves it unset).
#pragma once

#include "firmware/media/av_handles.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace bodycam::firmware::media {

// Receives each encoded packet; an error (e.g. the downstream queue closed) stops encoding.
using packet_consumer = std::function<common::core::status(av_packet_ptr)>;

// A found encoder and its freshly allocated, not yet opened context; `label` is the object errors name.
struct encoder_context {
  std::string label;  // "audio encoder 'aac'"
  const AVCodec* codec = nullptr;
  av_codec_context_ptr context;
};

// Finds encoder `name` and allocates its context. Fails (unsupported) if this libavcodec build lacks it or
// it does not encode `type`.
[[nodiscard]] common::core::expected<encoder_context> find_encoder(const std::string& name, AVMediaType type);

// avcodec_open2 with `options`; fails with "open <label> <settings>: <libav text>" (settings such as
// "for 320x240" or "at 48000 Hz") or, when the encoder
// leaves an option unused, "<label>: unknown option '<key>'".
[[nodiscard]] common::core::status open_encoder(encoder_context& encoder,
                                                const std::map<std::string, std::string>& options,
                                                std::string_view settings);

// Sends `frame` (nullptr: end of stream, drain) and hands every packet the encoder returns to `consume`.
// `what` names the operation in errors ("encode audio with aac").
[[nodiscard]] common::core::status send_to_encoder(AVCodecContext& context, AVFrame* frame, std::string_view what,
                                                   const packet_consumer& consume);

// `wanted` if the encoder offers it (or offers no list), else the first format it offers. `offered` ends
// with `none`.
template <class Format>
[[nodiscard]] Format preferred_format(const Format* offered, Format none, Format wanted) noexcept {
  if (offered == nullptr) return wanted;
  for (const Format* f = offered; *f != none; ++f)
    if (*f == wanted) return *f;
  return offered[0];
}

}  // namespace bodycam::firmware::media
