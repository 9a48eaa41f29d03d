// The annotation file format: RIFF/WAVE, PCM 16-bit little-endian, mono (what every clerk's player opens and
// what `sha256sum` hashes byte for byte). Pure: bytes in, samples out and back; no I/O.
// encode_wav writes a canonical 44-byte header followed by the samples, so the same samples always give the
// same bytes. parse_wav reads PCM 16-bit or 32-bit float, 1-8 channels (mixed down to mono), skipping
// unknown chunks; anything else is errc::malformed / errc::unsupported naming what is wrong.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"

#include <span>
#include <vector>

namespace bodycam::firmware::session {

struct pcm_audio {
  int sample_rate = 0;
  std::vector<float> samples;  // mono, -1..1
};

[[nodiscard]] common::core::byte_buffer encode_wav(const pcm_audio& audio);
[[nodiscard]] common::core::expected<pcm_audio> parse_wav(common::core::byte_view bytes);

}  // namespace bodycam::firmware::session
