#include "tests/firmware/session/audio_fixtures.hpp"

#include "common/core/durable_file.hpp"

#include <stdexcept>

namespace bodycam::tests {

namespace {
void run_or_throw(const std::vector<std::string>& argv) {
  const auto r = run_process(argv, std::chrono::seconds(60));
  if (r.exit_code != 0) throw std::runtime_error(argv[0] + " failed: " + r.err);
}
}  // namespace

std::string make_speech(const temp_dir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir / (name + ".wav");
  run_or_throw({"espeak-ng", "-w", path, text});
  return path;
}

std::string make_synth(const temp_dir& dir, const std::string& name, double seconds,
                       const std::vector<std::string>& synth, int rate, const std::string& volume) {
  const std::string path = dir / (name + ".wav");
  std::vector<std::string> argv{"sox", "-n", "-r", std::to_string(rate), "-c", "1", "-b", "16", path,
                                "synth", std::to_string(seconds)};
  argv.insert(argv.end(), synth.begin(), synth.end());
  argv.insert(argv.end(), {"vol", volume});
  run_or_throw(argv);
  return path;
}

std::string pad_with_silence(const temp_dir& dir, const std::string& in, const std::string& name, double before,
                             double after) {
  const std::string path = dir / (name + ".wav");
  run_or_throw({"sox", in, path, "pad", std::to_string(before), std::to_string(after)});
  return path;
}

firmware::session::pcm_audio read_wav(const std::string& path) {
  auto bytes = common::core::read_file(path, 64u << 20);
  if (!bytes) throw std::runtime_error(bytes.error().context);
  auto audio = firmware::session::parse_wav(*bytes);
  if (!audio) throw std::runtime_error(audio.error().context);
  return std::move(*audio);
}

}  // namespace bodycam::tests
