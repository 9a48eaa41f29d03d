// Frees space on the camera, and only what a receipt allows (DESIGN.md §4 "Nothing deleted without a
// receipt"): files in state `stored`, oldest first (by the seq of the record that sealed them), only when
// asked for bytes, each batch preceded by a `reclaim` record citing the `receipt` record that covers it.
// Invariants:
//  1. A file is unlinked only after the `reclaim` record that names it, and its move to `reclaimed`, are
//     committed (one ledger transaction); so a crash between the two leaves a `reclaimed` file on disk, never
//     a deleted file without a record. The next call removes such leftovers first (and counts them).
//  2. Only `stored` files are chosen; a file is `stored` only through a receipt record (offload_handler).
//  3. Nothing is freed when nothing is asked for; no more files are chosen than needed to reach the bytes
//     asked for (the last one may overshoot).
#pragma once

#include "common/core/posix_file_system.hpp"
#include "firmware/records/chain_writer.hpp"

#include <filesystem>

namespace bodycam::firmware::offload {

class space_reclaimer {
 public:
  space_reclaimer(records::chain_writer& writer, std::filesystem::path recording_dir)
      : writer_(writer), recording_dir_(std::move(recording_dir)), disk_(posix_) {}
  // The same, with the unlinks and directory syncs through `disk` (the power-cut tests' simulator).
  space_reclaimer(records::chain_writer& writer, std::filesystem::path recording_dir, common::core::file_system& disk)
      : writer_(writer), recording_dir_(std::move(recording_dir)), disk_(disk) {}
  space_reclaimer(const space_reclaimer&) = delete;
  space_reclaimer& operator=(const space_reclaimer&) = delete;

  // Frees at least `bytes_wanted` bytes if receipts allow it; returns the bytes actually freed (less when
  // not enough stored files exist). Errors name the file or the ledger operation that failed.
  [[nodiscard]] common::core::expected<std::uint64_t> reclaim_space(std::uint64_t bytes_wanted);

 private:
  [[nodiscard]] common::core::expected<std::uint64_t> remove_leftovers();
  [[nodiscard]] common::core::expected<std::uint64_t> unlink_file(const std::string& name);

  records::chain_writer& writer_;
  std::filesystem::path recording_dir_;
  common::core::posix_file_system posix_;
  common::core::file_system& disk_;
};

}  // namespace bodycam::firmware::offload
