// Runs a program for a test and captures what it printed and how it ended. No shell is involved: the
// arguments go to execvp as given. Bounded by a timeout after which the child is killed (SIGKILL).
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

// Path of a program built by this project (build/bin/<name>).
[[nodiscard]] std::string built_program(const std::string& name);

// A fresh directory under /tmp, removed with everything in it when the object goes.
class temp_dir {
 public:
  explicit temp_dir(const std::string& prefix = "bodycam-test");
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace bodycam::tests
