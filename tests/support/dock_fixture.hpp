// Real bodycam-recorder cameras and bodycam-dockd docks for end-to-end tests on 127.0.0.1: a camera process
// (synthetic 320x240 source, one-second segments, offload on a loopback port, trusting the docks it is given), a
// dock's key, configuration (a store directory or any `[store]` table) and command line, and the check every
// docking test makes between a camera's ledger and the store: 0 lost, 0 duplicates, 0 reclaims without receipt.
// Shared by the directory-store e2e tests and the S3 ones, so both dock cameras the same way.
#pragma once

#include "common/crypto/key_file.hpp"
#include "common/ledger/ledger.hpp"
#include "common/store/store.hpp"
#include "tests/support/daemon.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace bodycam::tests {

class camera_process {
 public:
  // Camera "cam-<index+1>" in `root`/cam-N, its public key in `root`/cameras, listening on a loopback port of
  // this test process; it trusts every dock of `docks`.
  camera_process(const std::filesystem::path& root, int index, const std::vector<common::crypto::labelled_public_key>& docks);
  camera_process(const std::filesystem::path& root, int index, const common::crypto::labelled_public_key& dock)
      : camera_process(root, index, std::vector<common::crypto::labelled_public_key>{dock}) {}

  void start();  // FAILs if the control socket does not answer within 30 s
  [[nodiscard]] std::string request(const std::string& line) const;
  void record_for(std::chrono::milliseconds d);  // start, wait, stop with a reason; REQUIREs both answers ok
  void stop();                                   // SIGTERM, CHECKs exit 0
  void kill();                                   // SIGKILL
  // Every record of the ledger (read-only), and the files in one state.
  [[nodiscard]] std::vector<common::core::byte_buffer> records() const;
  [[nodiscard]] std::vector<common::ledger::file_entry> files(common::ledger::file_state state) const;

  std::string device;
  std::filesystem::path dir;
  common::crypto::public_key key;
  std::uint16_t port = 0;
  std::string socket;
  std::unique_ptr<background_process> process;
  int starts = 0;
};

class dock_setup {
 public:
  // A dock `id` whose key pair, dockd.toml and state live in `folder`, trusting the cameras of `cameras_dir`
  // (default `folder`/cameras).
  explicit dock_setup(const std::filesystem::path& folder, std::string id = "dock-1",
                      std::filesystem::path cameras_dir = {});
  // dockd.toml polling `cameras`: the store is `folder`/store, or the given `[store]` table text.
  void write_config(const std::vector<camera_process*>& cameras, const std::string& store_table = {});
  void write_config(const std::vector<std::unique_ptr<camera_process>>& cameras, const std::string& store_table = {});
  [[nodiscard]] std::vector<std::string> argv(bool once) const;

  std::filesystem::path root;  // the dock's folder
  std::string id;
  std::filesystem::path cameras_dir;
  common::crypto::labelled_public_key key;
};

// The invariants between a camera's ledger and the store (every stored record the camera's own, receipts only
// over the contiguous prefix, every stored or reclaimed file in the store and receipted); returns how many of its
// records the store holds contiguously from seq 0. A dock killed while putting records may have stored some past
// a missing one; the next docking stores that one, so after a complete docking the prefix is everything stored.
std::uint64_t check_camera_against_store(const camera_process& cam, common::store::store& s);

}  // namespace bodycam::tests
