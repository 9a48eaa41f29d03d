// A camera for offload tests without the media pipeline: a real ledger and chain_writer in a temp
// directory, sealed segment files with known bytes, the camera's offload handler and reclaimer. Also used by
// the dock's tests as the in-process camera behind the dock's camera port.
#pragma once

#include "common/link/key_directory.hpp"
#include "firmware/offload/offload_handler.hpp"
#include "firmware/offload/space_reclaimer.hpp"
#include "firmware/records/chain_writer.hpp"

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

namespace bodycam::tests {

// Monotonic and UTC that advance 1 ms per reading, from 2026-11-18; the UTC source is rtc_only. The wall clock
// can be set (moved by a signed amount) and the monotonic clock restarts at a reboot, as on a camera.
class stepping_clock final : public firmware::records::time_source {
 public:
  [[nodiscard]] common::record::nanoseconds monotonic() const override;
  [[nodiscard]] common::record::utc_claim utc() const override;
  void set_wall_clock_by(std::chrono::milliseconds step) { utc_offset_ms_ += step.count(); }
  void restart_monotonic() { boot_ticks_ = 0; }

 private:
  mutable std::atomic<std::int64_t> ticks_{0};
  mutable std::atomic<std::int64_t> boot_ticks_{0};
  std::atomic<std::int64_t> utc_offset_ms_{0};
};

class camera_fixture {
 public:
  // A camera `device` with key fixed_key(key_seed), its ledger and recording dir under `dir`; boot appended.
  camera_fixture(const std::string& device, std::uint8_t key_seed, const std::filesystem::path& dir);

  // Appends session_start (once) and a sealed segment of `size` bytes; returns the file name.
  std::string add_segment(std::size_t size);
  // Sets the camera's wall clock by `step` (negative: back); monotonic time goes on.
  void set_wall_clock_by(std::chrono::milliseconds step) { clock_.set_wall_clock_by(step); }
  // A clean restart: the ledger is closed and opened again, the monotonic clock restarts, and the new boot's
  // `boot` record is appended; the open session goes on with the next segment.
  void reboot();
  // Trusts a dock (as if its key were in trusted_docks_dir).
  void trust_dock(const std::string& dock_id, const common::crypto::public_key& key);

  [[nodiscard]] firmware::records::chain_writer& writer() { return *writer_; }
  [[nodiscard]] common::crypto::signer& signer() { return signer_; }
  [[nodiscard]] const std::filesystem::path& recording_dir() const { return recording_dir_; }
  [[nodiscard]] const std::filesystem::path& ledger_path() const { return ledger_path_; }
  [[nodiscard]] common::crypto::public_key key() const { return signer_.public_key(); }
  [[nodiscard]] firmware::offload::offload_handler& handler();
  [[nodiscard]] firmware::offload::space_reclaimer& reclaimer() { return *reclaimer_; }
  // The ledger's files in `state`, by name.
  [[nodiscard]] std::vector<std::string> files_in(common::ledger::file_state state);
  [[nodiscard]] std::uint64_t record_count();

 private:
  common::crypto::software_signer signer_;
  stepping_clock clock_;
  std::filesystem::path recording_dir_;
  std::filesystem::path ledger_path_;
  common::record::device_id device_;
  std::unique_ptr<firmware::records::chain_writer> writer_;
  common::link::key_directory docks_;
  std::unique_ptr<firmware::offload::offload_handler> handler_;
  std::unique_ptr<firmware::offload::space_reclaimer> reclaimer_;
  common::record::session_id session_;
  std::uint32_t segment_index_ = 0;
  std::uint32_t file_counter_ = 0;
  bool session_started_ = false;
};

}  // namespace bodycam::tests
