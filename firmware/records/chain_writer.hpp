// Appends signed records to the device's ledger: fills the header (device, boot counter, monotonic time,
// UTC claim) and hands the draft to common/chain's append_signed, which sets seq and prev_hash from the head
// inside the ledger's transaction, signs, and commits the record together with any rows that must go with it
// (sealing a file). The recorder, the offload service and the space reclaimer all append through here.
// Thread-safe: the pipeline's writer thread and the control thread both append; one mutex serialises every
// use of the ledger (a ledger object is single-threaded).
// Invariant: a record is reported appended only after the ledger committed it (synchronous=FULL).
#pragma once

#include "common/chain/append_signed.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/ledger/ledger.hpp"
#include "common/record/record.hpp"
#include "firmware/records/time_source.hpp"

#include <functional>
#include <mutex>

namespace bodycam::firmware::records {

class chain_writer {
 public:
  chain_writer(common::record::device_id device, common::ledger::ledger ledger, common::crypto::signer& signer,
               const time_source& clock);

  // Starts this boot: increments the durable boot counter; every later record carries it.
  [[nodiscard]] common::core::expected<std::uint32_t> begin_boot();

  // Rows that commit atomically with the record; `seq` is the seq the record is getting.
  using rows_with_record = common::chain::rows_with_record;

  [[nodiscard]] common::core::expected<common::record::signed_record> append(common::record::payload body,
                                                                             const rows_with_record& also = {});

  // Called with every record once it is committed, on the appending thread and outside the writer's lock
  // (so it may append in turn). Set once, before any append from another thread.
  using append_observer = std::function<void(const common::record::signed_record&)>;
  void set_append_observer(append_observer observer);

  // Runs `use` with the ledger under the writer's lock (for file and fragment rows).
  [[nodiscard]] common::core::status with_ledger(
      const std::function<common::core::status(common::ledger::ledger&)>& use);

  [[nodiscard]] std::optional<std::uint64_t> last_seq() const;
  [[nodiscard]] std::uint32_t boot_counter() const noexcept { return boot_counter_; }
  [[nodiscard]] const common::record::device_id& device() const noexcept { return device_; }
  [[nodiscard]] const time_source& clock() const noexcept { return clock_; }

 private:
  [[nodiscard]] common::core::expected<common::record::signed_record> append_locked(common::record::payload body,
                                                                                    const rows_with_record& also);

  common::record::device_id device_;
  common::ledger::ledger ledger_;
  common::crypto::signer& signer_;
  const time_source& clock_;
  std::uint32_t boot_counter_ = 0;
  std::optional<std::uint64_t> last_seq_;
  append_observer observer_;
  mutable std::mutex mutex_;
};

}  // namespace bodycam::firmware::records
