// Test audio made by Debian tools at test time: speech from espeak-ng, silence, noise and tones from sox,
// as WAV files in a temp directory, read back with the project's own WAV parser.
#pragma once

#include "firmware/session/wav_file.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <string>

namespace bodycam::tests {

// espeak-ng -w <dir>/<name>.wav "<text>"; throws if espeak-ng fails.
std::string make_speech(const temp_dir& dir, const std::string& name, const std::string& text);
// sox -n -r <rate> -c 1 <dir>/<name>.wav synth <seconds> <synth...>  (e.g. {"whitenoise"}, {"sine", "440"})
std::string make_synth(const temp_dir& dir, const std::string& name, double seconds,
                       const std::vector<std::string>& synth, int rate = 16000, const std::string& volume = "0.5");
// sox <in> <out> pad <before> <after>: silence around a recording.
std::string pad_with_silence(const temp_dir& dir, const std::string& in, const std::string& name, double before,
                             double after);
firmware::session::pcm_audio read_wav(const std::string& path);

}  // namespace bodycam::tests
