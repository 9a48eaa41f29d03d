// The ALSA feedback adapter run into files instead of a sound card: the same libavformat muxing code with the
// "s16le" and "wav" muxers, so the test sees the bytes that would have reached the speaker. Then the failing
// paths: a sound card that does not exist (hw:99), an unknown output format, bad prompt files.
#include "common/core/durable_file.hpp"
#include "firmware/session/alsa_feedback.hpp"
#include "firmware/session/tone.hpp"
#include "firmware/session/wav_file.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace alsa_feedback_test {

using namespace bodycam::firmware::session;
using namespace bodycam::tests;
namespace core = bodycam::common::core;
namespace fs = std::filesystem;

namespace {

std::vector<std::int16_t> read_s16le(const std::string& path) {
  auto bytes = core::read_file(path, 16U * 1024U * 1024U);
  REQUIRE(bytes.has_value());
  REQUIRE(bytes->size() % 2 == 0);
  std::vector<std::int16_t> out;
  for (std::size_t i = 0; i < bytes->size(); i += 2)
    out.push_back(static_cast<std::int16_t>(static_cast<std::uint16_t>((*bytes)[i] | ((*bytes)[i + 1] << 8U))));
  return out;
}

void write_wav(const std::string& path, const pcm_audio& audio) {
  REQUIRE(core::write_file_durably(path, encode_wav(audio)));
}

pcm_audio chirp(int sample_rate, double seconds) {
  pcm_audio a;
  a.sample_rate = sample_rate;
  const auto n = static_cast<std::size_t>(seconds * sample_rate);
  for (std::size_t i = 0; i < n; ++i)
    a.samples.push_back(static_cast<float>((static_cast<int>(i % 200) - 100) / 256.0));
  return a;
}

}  // namespace

TEST_CASE("each audible signal reaches the output as its tone samples, byte for byte", "[integration]") {
  temp_dir dir("bodycam-alsa");
  for (auto what : {feedback_signal::prompt, feedback_signal::beep, feedback_signal::alarm}) {
    INFO(to_string(what));
    const auto out = dir / (std::string(to_string(what)) + ".raw");
    auto port = alsa_feedback::make({"s16le", out, 16000}, "");
    REQUIRE(port.has_value());
    REQUIRE((*port)->signal(what, "test"));
    const auto played = read_s16le(out);
    CHECK(played == tone_samples(what, 16000));
    CHECK_FALSE(played.empty());
  }
}

TEST_CASE("a wav output carries the sample rate and the samples of the tone", "[integration]") {
  temp_dir dir("bodycam-alsa");
  auto port = alsa_feedback::make({"wav", dir / "beep.wav", 22050}, "");
  REQUIRE(port.has_value());
  REQUIRE((*port)->signal(feedback_signal::beep, "command accepted"));
  auto bytes = core::read_file(dir / "beep.wav", 1U << 20U);
  REQUIRE(bytes.has_value());
  auto audio = parse_wav(*bytes);
  REQUIRE(audio.has_value());
  CHECK(audio->sample_rate == 22050);
  const auto expected = tone_samples(feedback_signal::beep, 22050);
  REQUIRE(audio->samples.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("sample " << i);
    REQUIRE(audio->samples[i] == Approx(expected[i] / 32768.0).margin(1e-6));
  }
}

TEST_CASE("silent signals open no output", "[integration]") {
  temp_dir dir("bodycam-alsa");
  const auto out = dir / "silent.raw";
  auto port = alsa_feedback::make({"s16le", out, 48000}, "");
  REQUIRE(port.has_value());
  for (auto what : {feedback_signal::alarm_clear, feedback_signal::led_recording, feedback_signal::led_idle,
                    feedback_signal::vibrate})
    CHECK((*port)->signal(what, "x"));
  CHECK_FALSE(fs::exists(out));
  auto card = alsa_feedback::make({"alsa", "hw:99", 48000}, "");
  REQUIRE(card.has_value());
  CHECK((*card)->signal(feedback_signal::vibrate, "no sound, so no device"));
}

TEST_CASE("a configured prompt file replaces the prompt tones; other signals keep theirs", "[integration]") {
  temp_dir dir("bodycam-alsa");
  const auto prompt = chirp(16000, 0.5);
  write_wav(dir / "prompt.wav", prompt);
  const auto out = dir / "out.raw";
  auto port = alsa_feedback::make({"s16le", out, 48000}, dir / "prompt.wav");
  REQUIRE(port.has_value());
  REQUIRE((*port)->signal(feedback_signal::prompt, "start statement"));
  const auto played = read_s16le(out);
  const auto reparsed = parse_wav(encode_wav(prompt));  // what the file holds after 16-bit quantisation
  REQUIRE(reparsed.has_value());
  REQUIRE(played.size() == reparsed->samples.size());
  for (std::size_t i = 0; i < played.size(); ++i)
    REQUIRE(played[i] == Approx(static_cast<double>(reparsed->samples[i]) * 32768.0).margin(0.5));
  REQUIRE((*port)->signal(feedback_signal::beep, "ack"));
  CHECK(read_s16le(out) == tone_samples(feedback_signal::beep, 48000));
}

TEST_CASE("a sound card that does not exist is an error naming the device", "[integration]") {
  auto port = alsa_feedback::make({"alsa", "hw:99", 48000}, "");
  REQUIRE(port.has_value());  // the device is opened per sound, so making the adapter does not touch it
  auto played = (*port)->signal(feedback_signal::alarm, "low_battery");
  REQUIRE_FALSE(played.has_value());
  CHECK_THAT(played.error().context, Catch::Contains("open audio output alsa hw:99: "));
  // The next signal tries again and fails the same way: nothing is left half open.
  auto again = (*port)->signal(feedback_signal::beep, "ack");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().context == played.error().context);
}

TEST_CASE("bad outputs and prompt files are refused with what and where", "[integration]") {
  temp_dir dir("bodycam-alsa");
  auto unknown = alsa_feedback::make({"no-such-format", dir / "x", 48000}, "");
  REQUIRE(unknown.has_value());
  auto played = (*unknown)->signal(feedback_signal::beep, "x");
  REQUIRE_FALSE(played.has_value());
  CHECK(played.error().code == core::errc::unsupported);
  CHECK_THAT(played.error().context, Catch::Contains("no-such-format"));

  auto unwritable = alsa_feedback::make({"s16le", dir / "missing/out.raw", 48000}, "");
  REQUIRE(unwritable.has_value());
  auto failed = (*unwritable)->signal(feedback_signal::beep, "x");
  REQUIRE_FALSE(failed.has_value());
  CHECK_THAT(failed.error().context, Catch::Contains("missing/out.raw"));

  auto rate = alsa_feedback::make({"s16le", dir / "x", 1000}, "");
  REQUIRE_FALSE(rate.has_value());
  CHECK(rate.error().code == core::errc::invalid_argument);

  auto missing = alsa_feedback::make({"s16le", dir / "x", 48000}, dir / "nope.wav");
  REQUIRE_FALSE(missing.has_value());
  CHECK_THAT(missing.error().context, Catch::Contains("nope.wav"));

  REQUIRE(core::write_file_durably(dir / "garbage.wav", core::byte_buffer{'n', 'o', 't', ' ', 'w', 'a', 'v'}));
  auto garbage = alsa_feedback::make({"s16le", dir / "x", 48000}, dir / "garbage.wav");
  REQUIRE_FALSE(garbage.has_value());
  CHECK_THAT(garbage.error().context, Catch::StartsWith("prompt file " + (dir / "garbage.wav").string() + ": "));

  write_wav(dir / "long.wav", chirp(8000, 1.5));
  auto too_long = alsa_feedback::make({"s16le", dir / "x", 48000}, dir / "long.wav");
  REQUIRE_FALSE(too_long.has_value());
  CHECK(too_long.error().code == core::errc::invalid_argument);
  CHECK_THAT(too_long.error().context, Catch::Contains("long.wav") && Catch::Contains("1000 ms limit"));
}

}  // namespace alsa_feedback_test
