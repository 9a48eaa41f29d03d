// The camera's side of the offload protocol (docs/formats/offload.md), without sockets: one request in, one
// response out. It serves a freshly signed checkpoint, records from a seq, file bytes by range; it accepts the
// dock's witness (appending a `timesync` record) and receipts (appending a `receipt` record and moving the
// files the receipt lists from `sealed` to `stored` in the same ledger transaction). Every append goes
// through records::chain_writer, the only way records are appended on the camera.
// Invariants:
//  1. Only files the ledger has sealed (state sealed or stored) are served, by plain name inside the
//     recording directory; partial, reclaimed and unknown files are refused (not_found / conflict).
//  2. A timesync or receipt is recorded only if its signer is the dock the link authenticated (`peer`), that
//     dock is enrolled under the name it claims (trusted_docks_dir), the signature verifies, the device is
//     this camera and the witnessed head is this chain's record (no receipt for records the camera lacks).
//  3. A file moves to `stored` only with the `receipt` record that covers it (its sealing record's seq is
//     below end_seq and its SHA-256 and length are among the receipt's objects), in one transaction.
//  4. A receipt whose range is already covered by a recorded receipt is acknowledged as already_recorded
//     and appends nothing, so a dock that resends after a crash creates no duplicate.
#pragma once

#include "common/link/key_directory.hpp"
#include "common/offload/message.hpp"
#include "firmware/records/chain_writer.hpp"

#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>

namespace bodycam::firmware::offload {

// Battery and free space for the checkpoint response; a port so tests and the session helper can supply it.
struct camera_state {
  std::uint8_t battery_percent = common::offload::battery_unknown;
  std::uint64_t free_bytes = 0;
};
using camera_state_source = std::function<camera_state()>;

class offload_handler {
 public:
  offload_handler(records::chain_writer& writer, common::crypto::signer& signer, std::filesystem::path recording_dir,
                  common::link::key_directory trusted_docks, camera_state_source state = {});

  // The response to one request from the dock authenticated as `peer`. Never throws; failures are
  // error_response messages naming what was refused.
  [[nodiscard]] common::offload::message handle(const common::offload::message& request,
                                                const common::crypto::public_key& peer);

  [[nodiscard]] const common::link::key_directory& trusted_docks() const noexcept { return trusted_docks_; }

 private:
  [[nodiscard]] common::core::expected<common::offload::message> checkpoint();
  [[nodiscard]] common::core::expected<common::offload::message> records(const common::offload::records_request& r);
  [[nodiscard]] common::core::expected<common::offload::message> file(const common::offload::file_request& r);
  [[nodiscard]] common::core::expected<common::offload::message> timesync(const common::offload::timesync_request& r,
                                                                          const common::crypto::public_key& peer);
  [[nodiscard]] common::core::expected<common::offload::message> receipt(const common::offload::receipt_request& r,
                                                                         const common::crypto::public_key& peer);
  [[nodiscard]] common::core::status check_dock(std::string_view dock_id, const common::crypto::public_key& key,
                                                const common::crypto::public_key& peer) const;
  // Checks that this chain has `count` records and record count-1 hashes to `head`.
  [[nodiscard]] common::core::status check_head(std::uint64_t count, const common::crypto::sha256_digest& head,
                                                std::string_view what);
  // The highest covered_count of any recorded receipt and that receipt record's seq (scanned once).
  [[nodiscard]] common::core::expected<std::pair<std::uint64_t, std::uint64_t>> covered();

  records::chain_writer& writer_;
  common::crypto::signer& signer_;
  std::filesystem::path recording_dir_;
  common::link::key_directory trusted_docks_;
  camera_state_source state_;
  std::mutex receipt_mutex_;  // one receipt at a time (two docks may be connected)
  std::optional<std::pair<std::uint64_t, std::uint64_t>> covered_;
};

}  // namespace bodycam::firmware::offload
