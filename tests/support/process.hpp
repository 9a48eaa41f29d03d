// Runs a program for a test and captures what it printed and how it ended: run_process passes the arguments
// to execvp as given (no shell); run_shell hands one command line to /bin/sh for the tests that pipe outside
// tools (ffmpeg, ffprobe). Both are bounded by a timeout after which the child is killed (SIGKILL).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace bodycam::tests {

struct process_result {
  int exit_code = -1;    // -1 if killed by a signal
  int signal = 0;        // the signal that ended it, 0 if it exited
  bool timed_out = false;
  std::string out;
  std::string err;
};

[[nodiscard]] process_result run_process(const std::vector<std::string>& argv,
                                         std::chrono::seconds timeout = std::chrono::seconds(120));

// run_process({"/bin/sh", "-c", command}).
[[nodiscard]] process_result run_shell(const std::string& command,
                                       std::chrono::seconds timeout = std::chrono::seconds(300));
// `text` as one single-quoted /bin/sh word.
[[nodiscard]] std::string shell_quote(const std::string& text);

// Path of a program built by this project (build/bin/<name>).
[[nodiscard]] std::string built_program(const std::string& name);

// `bodycam ARGS...` (the built program), as a clerk or administrator types it.
[[nodiscard]] process_result run_bodycam(std::vector<std::string> args,
                                         std::chrono::seconds timeout = std::chrono::seconds(120));

}  // namespace bodycam::tests
