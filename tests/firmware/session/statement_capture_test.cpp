// Statement capture through libav from a file played as the microphone (the simulator's and tests' source).
#include "firmware/session/statement_capture.hpp"
#include "tests/firmware/session/audio_fixtures.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace statement_capture_test {

using namespace bodycam::firmware;
using namespace bodycam::firmware::session;
using namespace bodycam::tests;
using namespace std::chrono_literals;

namespace {
statement_settings from_file(const std::string& path) {
  statement_settings s;
  s.source = media::input_config{media::input_kind::file, path, {}, false, media::input_end::finish};
  s.max_duration = 20s;
  s.trailing_silence = 1500ms;
  return s;
}
}  // namespace

TEST_CASE("a spoken statement followed by long silence ends early, after the trailing silence", "[integration]") {
  temp_dir dir("bodycam-statement");
  const auto speech = make_speech(dir, "s", "Officer seven. Traffic stop on Main Street. Two officers.");
  const double speech_seconds = static_cast<double>(read_wav(speech).samples.size()) / 22050.0;
  const auto padded = pad_with_silence(dir, speech, "p", 0.5, 10.0);
  std::atomic<bool> stop{false};
  auto got = capture_statement(from_file(padded), stop);
  REQUIRE(got);
  CHECK(got->audio.sample_rate == 16000);
  CHECK(got->vad.speech_present);
  const double captured = static_cast<double>(got->audio.samples.size()) / 16000.0;
  INFO("speech " << speech_seconds << " s, captured " << captured << " s");
  CHECK(captured < 0.5 + speech_seconds + 3.0);  // not the 10 s of silence
  CHECK(captured > 0.5 + speech_seconds);
}

TEST_CASE("silence only: captured to max duration, flagged as no speech", "[integration]") {
  temp_dir dir("bodycam-statement");
  auto settings = from_file(make_synth(dir, "quiet", 5.0, {"sine", "300"}, 48000, "0.0001"));
  settings.max_duration = 3s;
  std::atomic<bool> stop{false};
  auto got = capture_statement(settings, stop);
  REQUIRE(got);
  CHECK_FALSE(got->vad.speech_present);
  CHECK(got->audio.samples.size() == 3 * 16000);
}

TEST_CASE("a missing microphone is an error naming the source", "[integration]") {
  std::atomic<bool> stop{false};
  auto got = capture_statement(from_file("/nonexistent/mic.wav"), stop);
  REQUIRE_FALSE(got);
  CHECK(got.error().context.find("/nonexistent/mic.wav") != std::string::npos);
  statement_settings alsa;
  alsa.source = media::input_config{media::input_kind::alsa, "hw:99", {}, false, media::input_end::finish};
  got = capture_statement(alsa, stop);
  REQUIRE_FALSE(got);
  CHECK(got.error().context.find("hw:99") != std::string::npos);
}

}  // namespace statement_capture_test
