// A one-line progress display for long verbs (an audit re-hashing a store, an export copying files): written to
// stderr, and only when stderr is a terminal and the user did not ask for --quiet, so that pipes, logs and
// scripts see nothing of it. Redrawn at most five times a second; the line is cleared when the meter is
// destroyed, so whatever the verb prints next starts on a clean line.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace bodycam::tools::verbs {

class progress_meter {
 public:
  progress_meter(std::string verb, bool quiet);
  ~progress_meter();
  progress_meter(const progress_meter&) = delete;
  progress_meter& operator=(const progress_meter&) = delete;

  [[nodiscard]] bool enabled() const noexcept { return enabled_; }
  // Shows "bodycam <verb>: <text>" in place of the previous line (throttled; the first update always shows).
  void update(const std::string& text);
  // Clears the line now (the destructor does it too); later updates show again.
  void finish();

 private:
  std::string verb_;
  bool enabled_ = false;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// "1.4 GB", "320 MB", "12 kB" (decimal units, one decimal below 10).
[[nodiscard]] std::string human_bytes(std::uint64_t bytes);

}  // namespace bodycam::tools::verbs
