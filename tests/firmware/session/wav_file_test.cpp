// The annotation WAV codec: round trip, canonical bytes, and refusals of bad input.
#include "firmware/session/wav_file.hpp"

#include "common/core/hex.hpp"
#include "common/crypto/sha256.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace wav_file_test {

using namespace bodycam::firmware::session;
using namespace bodycam::common;

TEST_CASE("encode then parse gives the samples back (16-bit precision)") {
  pcm_audio a{16000, {0.0F, 0.5F, -0.5F, 1.0F, -1.0F, 0.25F}};
  const auto bytes = encode_wav(a);
  CHECK(bytes.size() == 44 + 12);
  auto back = parse_wav(bytes);
  REQUIRE(back);
  CHECK(back->sample_rate == 16000);
  REQUIRE(back->samples.size() == a.samples.size());
  for (std::size_t i = 0; i < a.samples.size(); ++i) CHECK(back->samples[i] == Approx(a.samples[i]).margin(1e-4));
}

TEST_CASE("golden: two samples at 8 kHz encode to these exact bytes") {
  const auto bytes = encode_wav({8000, {0.0F, 1.0F}});
  CHECK(core::to_hex(bytes) ==
        "52494646"  "28000000" "57415645" "666d7420" "10000000" "0100" "0100" "401f0000" "803e0000" "0200" "1000"
        "64617461" "04000000" "0000" "ff7f");
}

TEST_CASE("bad input is refused with what is wrong") {
  CHECK(parse_wav(core::byte_buffer{}).error().code == core::errc::malformed);
  auto bytes = encode_wav({16000, {0.1F, 0.2F}});
  auto truncated = bytes;
  truncated.resize(46);  // data chunk says 4 bytes, 2 present
  auto r = parse_wav(truncated);
  REQUIRE_FALSE(r);
  CHECK(r.error().context.find("runs past the end") != std::string::npos);
  auto eight_bit = bytes;
  eight_bit[34] = 8;  // bits per sample
  r = parse_wav(eight_bit);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == core::errc::unsupported);
  auto not_riff = bytes;
  not_riff[0] = 'X';
  CHECK(parse_wav(not_riff).error().context == "wav: not a RIFF/WAVE file");
}

}  // namespace wav_file_test
