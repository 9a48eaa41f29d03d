// Recovery at boot (DESIGN.md §4 "Power loss"): after an unclean end (power loss, crash, SIGKILL)
// every segment the ledger still holds as `partial` is salvaged, and the gap is explained in the chain.
// For each partial file (file `<name>.partial`, or `<name>` if the rename happened before the end):
//   1. a `recovery` record (cause power_loss: the camera cannot tell a power cut from a crash) naming the
//      file, the verified fragments, the bytes they cover and the unsigned tail;
//   2. `<name>.partial` renamed to `<name>` (no replace) and the directory fsynced;
//   3. the `segment` record (close reason power_loss_recovered, fragment_root over the kept fragments,
//      unsigned_tail_bytes for the rest; byte_length and file_sha256 over the whole file — no byte is cut)
//      and the file's move to `sealed`, in one ledger transaction.
// Before them, one `interruption` (reason power_loss) covers the gap: from the claimed UTC of the last
// record of the previous boot to now, for the session that was open, if any. The outcome also names the
// last automatic session_stop with nothing started after it: the service resumes it if its window is open.
// Invariants:
//  1. Idempotent: a file whose `recovery` record exists gets no second one; a sealed file is not touched
//     again; a crash at any step is finished by the next boot's run.
//  2. Nothing is deleted or truncated; a `.partial` with no ledger row (the header never became durable) is
//     left as it is and named once in a `recovery` record.
//  3. Every unclean boot's gap gets exactly one power_loss `interruption`: a boot killed after its boot record
//     but before its own interruption gets it from the next boot that recovers (from the last record before that
//     boot to its boot record), and never a second one.
#pragma once

#include "common/core/file_system.hpp"
#include "firmware/records/chain_writer.hpp"
#include "firmware/session/recovery_plan.hpp"

#include <filesystem>
#include <optional>

namespace bodycam::firmware::recorder {

struct recovery_outcome {
  std::optional<session::open_session> open;  // the session to resume
  std::optional<session::resumable_stop> resumable;  // the last automatic stop, if nothing came after it
  std::uint32_t salvaged_files = 0;
  std::uint32_t recovery_records = 0;
  bool interruption_recorded = false;
};

// `unclean`: the previous run did not shut down cleanly (boot record's previous_shutdown).
[[nodiscard]] common::core::expected<recovery_outcome> run_boot_recovery(records::chain_writer& writer,
                                                                         const std::filesystem::path& recording_dir,
                                                                         bool unclean);
// The same, with the salvage's renames and directory syncs through `disk` (the power-cut tests' simulator).
[[nodiscard]] common::core::expected<recovery_outcome> run_boot_recovery(common::core::file_system& disk,
                                                                         records::chain_writer& writer,
                                                                         const std::filesystem::path& recording_dir,
                                                                         bool unclean);

}  // namespace bodycam::firmware::recorder
