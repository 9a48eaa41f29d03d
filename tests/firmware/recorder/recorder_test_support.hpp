// A camera for tests: a temp directory with a device key, a recorder config for the synthetic source at a
// small size, a fake sysfs tree with a battery, a feedback log, and helpers to run bodycam-recorder on it
// and read back its ledger and files.
#pragma once

#include "common/chain/verifier.hpp"
#include "common/ledger/ledger.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace bodycam::tests {

struct test_camera {
  explicit test_camera(int segment_seconds = 5, int pre_event_seconds = 0);

  // Rewrites the config: statements from `wav` played as the microphone ("" = annotation.kind none).
  void use_statement_file(const std::string& wav);
  // `words` spoken by espeak-ng, with `before` and `after` seconds of silence (sox pad), as <dir>/<name>;
  // returns its path (throws, with the tool's output, if either tool fails).
  [[nodiscard]] std::string spoken_wav(const std::string& name, const std::string& words, const std::string& before,
                                       const std::string& after) const;
  // Rewrites the config with the ledger at `path` (e.g. on a small_disk of its own).
  void move_ledger(const std::string& path);
  // Rewrites the config with [checks] resume_window_seconds (-1 = the daemon's default).
  void set_resume_window(int seconds);
  // The fake battery: sysfs/class/power_supply/BAT0/{capacity,status}.
  void set_battery(const std::string& capacity, const std::string& status = "Discharging") const;
  [[nodiscard]] std::string feedback_log() const;

  std::unique_ptr<background_process> start_daemon(const std::string& log_name);
  [[nodiscard]] std::string request(const std::string& line) const { return control_request(socket, line); }

  [[nodiscard]] common::ledger::ledger open_ledger() const;
  // Every record in the ledger, parsed, in seq order (throws if the ledger cannot be read).
  [[nodiscard]] std::vector<common::record::signed_record> records() const;
  [[nodiscard]] common::chain::chain_report verify() const;

  temp_dir dir{"bodycam-recorder"};
  std::string device = "cam-test";
  std::string config_path, key_path, ledger_path, segments, socket, sysfs, feedback;
  int segment_seconds_ = 5, pre_event_seconds_ = 0;
  std::string statement_file;
  int resume_window_seconds_ = -1;

 private:
  void write_config() const;

 public:
  common::crypto::public_key key;
};

// A tmpfs mounted on a test's recording directory (root only), unmounted when done; error() says why not.
class small_disk {
 public:
  small_disk(const std::filesystem::path& where, const std::string& size);
  ~small_disk();
  small_disk(const small_disk&) = delete;
  small_disk& operator=(const small_disk&) = delete;
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  std::filesystem::path where_;
  std::string error_;
};

// SHA-256 of bytes [offset, offset+length) of a file, or nullopt if the file is shorter.
[[nodiscard]] std::optional<common::crypto::sha256_digest> hash_range(const std::filesystem::path& file,
                                                                      std::uint64_t offset, std::uint64_t length);

// Polls the camera's status until `done(status)` or the deadline; returns the last status.
template <class Done>
nlohmann::json wait_for(const test_camera& cam, Done done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  nlohmann::json status;
  while (std::chrono::steady_clock::now() < deadline) {
    status = nlohmann::json::parse(cam.request(R"({"cmd":"status"})"));
    if (done(status)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return status;
}

inline nlohmann::json wait_for_state(const test_camera& cam, const std::string& state, std::chrono::seconds limit) {
  return wait_for(cam, [&](const nlohmann::json& s) { return s["state"] == state; }, limit);
}

// Starts a session and waits up to 30 s for its first segment. The caller checks reply["ok"] and
// status["state"] ("recording").
struct recording_start {
  nlohmann::json reply;
  nlohmann::json status;
};
inline recording_start start_recording(const test_camera& cam) {
  auto reply = nlohmann::json::parse(cam.request(R"({"cmd":"start"})"));
  if (reply["ok"] != true) return {reply, {}};
  auto status = wait_for(cam, [](const nlohmann::json& s) { return s["segment"].is_number() && s["segment"] >= 1; },
                         std::chrono::seconds(30));
  return {std::move(reply), std::move(status)};
}

}  // namespace bodycam::tests
