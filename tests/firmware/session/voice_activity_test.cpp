// Voice-activity detection on real speech (espeak-ng) against silence, noise and tones (sox).
#include "firmware/session/voice_activity.hpp"
#include "tests/firmware/session/audio_fixtures.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <random>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace voice_activity_test {

using namespace bodycam::firmware::session;
using namespace bodycam::tests;
using namespace std::chrono_literals;

namespace {
vad_result detect(const pcm_audio& a) {
  vad_settings s;
  s.sample_rate = a.sample_rate;
  return detect_voice_activity(a.samples, s);
}
}  // namespace

TEST_CASE("espeak-ng speech is detected as speech, for most of its length") {
  temp_dir dir("bodycam-vad");
  for (const char* text : {"Officer seven, starting recording at Main Street, traffic stop, two officers present.",
                           "Stopping. The subject left the scene. Nothing further."}) {
    const auto audio = read_wav(make_speech(dir, "speech", text));
    const auto r = detect(audio);
    INFO(text << ": speech " << r.speech.count() << " ms of " << r.total.count() << " ms");
    CHECK(r.speech_present);
    CHECK(r.speech >= r.total / 3);
  }
}

TEST_CASE("silence, white and pink noise and pure tones are not speech") {
  temp_dir dir("bodycam-vad");
  struct sample {
    const char* name;
    std::vector<std::string> synth;
    const char* volume;
  };
  const std::vector<sample> samples{{"white", {"whitenoise"}, "0.3"},
                                    {"pink", {"pinknoise"}, "0.5"},
                                    {"brown", {"brownnoise"}, "0.5"},
                                    {"tone440", {"sine", "440"}, "0.5"},
                                    {"tone1k", {"sine", "1000"}, "0.8"},
                                    {"quiet", {"sine", "300"}, "0.001"}};
  for (const auto& s : samples) {
    const auto r = detect(read_wav(make_synth(dir, s.name, 3.0, s.synth, 16000, s.volume)));
    INFO(s.name << ": speech " << r.speech.count() << " ms of " << r.total.count() << " ms");
    CHECK_FALSE(r.speech_present);
  }
  std::vector<float> zeros(16000 * 2, 0.0F);
  CHECK_FALSE(detect_voice_activity(zeros, {}).speech_present);
}

TEST_CASE("speech between silences: trailing silence is measured after the last speech") {
  temp_dir dir("bodycam-vad");
  const auto padded = read_wav(pad_with_silence(dir, make_speech(dir, "s", "Resuming after power loss."), "p", 1.0, 2.0));
  vad_settings s;
  s.sample_rate = padded.sample_rate;
  voice_activity_detector d(s);
  CHECK(d.trailing_silence() == 0ms);
  d.add_samples(padded.samples);
  CHECK(d.has_seen_speech());
  CHECK(d.trailing_silence() >= 1800ms);
  CHECK(d.trailing_silence() <= 2600ms);
  CHECK(d.result().speech_present);
}

TEST_CASE("the result does not depend on how the samples are chunked") {
  temp_dir dir("bodycam-vad");
  const auto audio = read_wav(make_speech(dir, "s", "One two three four five."));
  vad_settings s;
  s.sample_rate = audio.sample_rate;
  voice_activity_detector whole(s), pieces(s);
  whole.add_samples(audio.samples);
  std::mt19937 random(7);
  std::size_t at = 0;
  while (at < audio.samples.size()) {
    const std::size_t n = std::min<std::size_t>(audio.samples.size() - at, random() % 777 + 1);
    pieces.add_samples(std::span<const float>(audio.samples).subspan(at, n));
    at += n;
  }
  CHECK(whole.result().speech == pieces.result().speech);
  CHECK(whole.result().total == pieces.result().total);
}

TEST_CASE("speech in moderate background noise is still speech") {
  temp_dir dir("bodycam-vad");
  auto speech = read_wav(make_speech(dir, "s", "Officer seven, recording at the station entrance."));
  std::mt19937 random(11);
  std::normal_distribution<float> noise(0.0F, 0.01F);
  for (auto& x : speech.samples) x += noise(random);
  CHECK(detect(speech).speech_present);
}

}  // namespace voice_activity_test
