#include "firmware/session/wav_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

namespace bodycam::firmware::session {

using namespace bodycam::common;

namespace {

void put_le(core::byte_buffer& out, std::uint32_t v, int width) {
  for (int i = 0; i < width; ++i) out.push_back(static_cast<std::uint8_t>((v >> (8 * i)) & 0xFFu));
}

std::uint32_t get_le(core::byte_view b, std::size_t at, int width) {
  std::uint32_t v = 0;
  for (int i = 0; i < width; ++i) v |= static_cast<std::uint32_t>(b[at + static_cast<std::size_t>(i)]) << (8 * i);
  return v;
}

bool tag_is(core::byte_view b, std::size_t at, std::string_view tag) {
  return b.size() >= at + 4 && std::equal(tag.begin(), tag.end(), b.begin() + static_cast<std::ptrdiff_t>(at),
                                          [](char c, std::uint8_t x) { return static_cast<std::uint8_t>(c) == x; });
}

}  // namespace

core::byte_buffer encode_wav(const pcm_audio& audio) {
  const auto data_bytes = static_cast<std::uint32_t>(audio.samples.size() * 2);
  const auto rate = static_cast<std::uint32_t>(audio.sample_rate);
  core::byte_buffer out;
  out.reserve(44 + data_bytes);
  for (char c : std::string_view("RIFF")) out.push_back(static_cast<std::uint8_t>(c));
  put_le(out, 36 + data_bytes, 4);
  for (char c : std::string_view("WAVEfmt ")) out.push_back(static_cast<std::uint8_t>(c));
  put_le(out, 16, 4);        // fmt chunk size
  put_le(out, 1, 2);         // PCM
  put_le(out, 1, 2);         // mono
  put_le(out, rate, 4);
  put_le(out, rate * 2, 4);  // byte rate
  put_le(out, 2, 2);         // block align
  put_le(out, 16, 2);        // bits per sample
  for (char c : std::string_view("data")) out.push_back(static_cast<std::uint8_t>(c));
  put_le(out, data_bytes, 4);
  for (float x : audio.samples) {
    const double clamped = std::clamp(static_cast<double>(x), -1.0, 1.0);
    const auto v = static_cast<std::int16_t>(std::lround(clamped * 32767.0));
    put_le(out, static_cast<std::uint16_t>(v), 2);
  }
  return out;
}

core::expected<pcm_audio> parse_wav(core::byte_view b) {
  if (b.size() < 12 || !tag_is(b, 0, "RIFF") || !tag_is(b, 8, "WAVE"))
    return core::fail(core::errc::malformed, "wav: not a RIFF/WAVE file");
  std::size_t at = 12;
  int format = 0, channels = 0, bits = 0;
  pcm_audio out;
  bool have_fmt = false;
  while (at + 8 <= b.size()) {
    const std::uint32_t size = get_le(b, at + 4, 4);
    const std::size_t body = at + 8;
    if (size > b.size() - body) return core::fail(core::errc::malformed, "wav: chunk at byte " + std::to_string(at) +
                                                                             " runs past the end of the file");
    if (tag_is(b, at, "fmt ")) {
      if (size < 16) return core::fail(core::errc::malformed, "wav: fmt chunk shorter than 16 bytes");
      format = static_cast<int>(get_le(b, body, 2));
      channels = static_cast<int>(get_le(b, body + 2, 2));
      out.sample_rate = static_cast<int>(get_le(b, body + 4, 4));
      bits = static_cast<int>(get_le(b, body + 14, 2));
      if (format == 0xFFFE && size >= 26) format = static_cast<int>(get_le(b, body + 24, 2));  // extensible
      have_fmt = true;
    } else if (tag_is(b, at, "data")) {
      if (!have_fmt) return core::fail(core::errc::malformed, "wav: data chunk before fmt chunk");
      if (channels < 1 || channels > 8 || out.sample_rate < 1000 || out.sample_rate > 384000)
        return core::fail(core::errc::unsupported, "wav: " + std::to_string(channels) + " channels at " +
                                                        std::to_string(out.sample_rate) + " Hz");
      const bool pcm16 = format == 1 && bits == 16;
      const bool float32 = format == 3 && bits == 32;
      if (!pcm16 && !float32)
        return core::fail(core::errc::unsupported, "wav: format " + std::to_string(format) + " with " +
                                                        std::to_string(bits) + " bits (16-bit PCM or 32-bit float only)");
      const std::size_t frame_bytes = static_cast<std::size_t>(channels) * static_cast<std::size_t>(bits / 8);
      const std::size_t frames = size / frame_bytes;
      out.samples.resize(frames);
      for (std::size_t i = 0; i < frames; ++i) {
        double sum = 0.0;
        for (int c = 0; c < channels; ++c) {
          const std::size_t p = body + i * frame_bytes + static_cast<std::size_t>(c) * static_cast<std::size_t>(bits / 8);
          if (pcm16) {
            sum += static_cast<double>(static_cast<std::int16_t>(get_le(b, p, 2))) / 32768.0;
          } else {
            const std::uint32_t raw = get_le(b, p, 4);
            float f = 0.0F;
            std::memcpy(&f, &raw, sizeof f);
            sum += static_cast<double>(f);
          }
        }
        out.samples[i] = static_cast<float>(sum / channels);
      }
      return out;
    }
    at = body + size + (size & 1u);
  }
  return core::fail(core::errc::malformed, "wav: no data chunk");
}

}  // namespace bodycam::firmware::session
