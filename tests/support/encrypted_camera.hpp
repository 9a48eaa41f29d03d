// A camera that encrypts, docked for real, for the end-to-end tests of encrypted footage: the agency makes its
// footage key with `bodycam agency footage-key new`, a bodycam-recorder configured with the public key
// (synthetic 320x240 at 10 fps, 1 s GOP and segments, a 2 s tone as the statement) records a session over
// its control socket, and one pass of bodycam-dockd (`--once`) on 127.0.0.1 pulls it into `store`.
// Every step that fails throws std::runtime_error naming the step, with the program's output.
#pragma once

#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace bodycam::tests {

class encrypted_camera {
 public:
  // Makes the agency footage key (passphrase in `root/pass`, mode 0600), the statement, the dock and camera
  // keys and both configurations under `root`; device "cam-e", dock "dock-1"; segments of `segment_seconds`.
  explicit encrypted_camera(const std::filesystem::path& root, int segment_seconds = 1);
  ~encrypted_camera();
  encrypted_camera(const encrypted_camera&) = delete;
  encrypted_camera& operator=(const encrypted_camera&) = delete;

  void start_recorder();
  // The control socket's start (button).
  void start_session();
  // stop (officer_end); returns once the session is closed (state idle, the stop statement sealed) and no
  // .partial file is left.
  void stop_session();
  // start_session, `length` of recording, stop_session.
  void record_session(std::chrono::milliseconds length);
  // start_session, half of `length`, one photo (the control socket's photo), the other half, stop_session;
  // returns the photo's file name (in segments_dir()).
  std::string record_session_with_photo(std::chrono::milliseconds length);
  // The control socket's photo while recording; returns the photo's file name.
  std::string take_photo();
  // One pass of the dock; the store is then `store_dir()`.
  [[nodiscard]] process_result dock_once();
  // SIGTERM and wait (30 s); the recorder's exit code.
  int stop_recorder();
  // SIGKILL and wait: the recorder stops wherever it is, as at a power cut (what was written stays written).
  int kill_recorder();

  [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }
  [[nodiscard]] std::filesystem::path sealed_key() const { return sealed_; }       // footage-<id>.sealed
  [[nodiscard]] std::filesystem::path public_key() const { return public_; }       // footage-<id>.pub
  [[nodiscard]] std::filesystem::path passphrase_file() const { return root_ / "pass"; }
  [[nodiscard]] std::filesystem::path segments_dir() const { return root_ / "cam" / "segments"; }
  [[nodiscard]] std::filesystem::path store_dir() const { return root_ / "store"; }
  [[nodiscard]] std::filesystem::path quarantine_dir() const { return root_ / "state" / "quarantine"; }
  [[nodiscard]] std::string recorder_log() const;

 private:
  std::filesystem::path root_;
  std::filesystem::path sealed_;
  std::filesystem::path public_;
  std::string socket_;
  std::unique_ptr<background_process> recorder_;
};

}  // namespace bodycam::tests
