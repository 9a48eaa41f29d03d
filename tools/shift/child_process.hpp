// A program the shift simulation runs (a camera's bodycam-recorder, the dock's bodycam-dockd, espeak-ng):
// started with its standard output and error appended to a log file, signalled, waited for with a time
// limit. The destructor kills (SIGKILL) and reaps a child still running, so no simulation leaves a process
// behind, whatever path it leaves by.
#pragma once

#include "common/core/error.hpp"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::shift {

// How a child ended: its exit code, or the signal that ended it.
struct exit_status {
  std::optional<int> code;
  std::optional<int> signal;

  [[nodiscard]] bool is_success() const noexcept { return code && *code == 0; }
  [[nodiscard]] std::string describe() const;  // "exit 0", "killed by signal 9"
};

class child_process {
 public:
  // Starts argv[0] (looked up on PATH when it has no '/'), stdin from /dev/null, stdout and stderr appended
  // to `log`. Fails (errc::not_found) if the program cannot be executed, naming it.
  [[nodiscard]] static common::core::expected<child_process> start(const std::vector<std::string>& argv,
                                                                   const std::filesystem::path& log);

  child_process(child_process&& other) noexcept;
  child_process& operator=(child_process&& other) noexcept;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process();

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] bool is_running();

  // Sends `signal`; a child already reaped is left alone.
  void send(int signal) const;
  // Waits up to `limit`; errc::timeout if the child is still running then (it is left running).
  [[nodiscard]] common::core::expected<exit_status> wait(std::chrono::milliseconds limit);
  // SIGTERM, then SIGKILL if it has not ended within `grace`.
  [[nodiscard]] common::core::expected<exit_status> stop(std::chrono::milliseconds grace);

 private:
  child_process(pid_t pid, std::string name) noexcept : pid_(pid), name_(std::move(name)) {}
  [[nodiscard]] std::optional<exit_status> try_reap();

  pid_t pid_ = -1;
  std::string name_;
  std::optional<exit_status> ended_;
};

// Runs a program to the end within `limit` (killed after it), output to `log`.
[[nodiscard]] common::core::expected<exit_status> run_to_end(const std::vector<std::string>& argv,
                                                             const std::filesystem::path& log,
                                                             std::chrono::milliseconds limit);

}  // namespace bodycam::tools::shift
