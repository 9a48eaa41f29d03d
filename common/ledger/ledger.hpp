// The ledger: the SQLite database on the camera (and opened by the tools) that holds a device's chain of
// signed records and the state of its files. It stores record bytes as given and guarantees what is
// numbered below. It is the only code in bodycam that writes the ledger file.
//
// Invariants (each is kept by the code marked with its number, and again by a trigger of migration 1):
//  1. Records are append-only; their seqs are 0, 1, 2, … without gaps. append_record refuses a record
//     whose seq is not the head's next_seq (errc::conflict).
//  2. A record's stored hash is SHA-256 of its bytes minus the 64-byte signature, computed here, never
//     taken from the caller. Open re-checks it for the head record, integrity_check() for every record.
//  3. append_record is one IMMEDIATE transaction: the record and the rows its `also` step writes commit
//     together or not at all; a failed append leaves the head where it was.
//  4. Success is returned only after COMMIT returned, i.e. after the WAL was fsynced (synchronous=FULL).
//  5. A file moves only partial → sealed → stored → reclaimed, each move citing a record in the ledger;
//     what sealing fixed (length, SHA-256, sealing record) never changes (file_state.hpp).
//  6. Fragments are added to partial files only, numbered 0, 1, 2, …, in file order, not overlapping.
//  7. The boot counter only goes up.
//  8. A file that is not a ledger, is corrupt or is newer than this build is refused and left byte for
//     byte unchanged: nothing is written before every check at open has passed, and a refused file is
//     closed without a checkpoint. Corruption is reported (errc::corrupt), never repaired or rebuilt over.
//
// A ledger object is used by one thread at a time. Several processes may open the same file (the WAL and
// the busy timeout serialise writers).
#pragma once

#include "common/core/error.hpp"
#include "common/ledger/file_entry.hpp"
#include "common/ledger/ledger_time.hpp"
#include "common/ledger/stored_record.hpp"
#include "common/ledger/transaction.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::common::sqlite {
class connection;
}  // namespace bodycam::common::sqlite

namespace bodycam::common::ledger {

class ledger;

struct open_options {
  // Create (and initialise) the ledger if the path does not exist or is an empty file. Off by default so a
  // tool given a wrong path reports it instead of creating a new, empty ledger there.
  bool create_if_missing = false;
  // Open for reading only: nothing is ever written, not even a migration (an old schema is refused).
  bool read_only = false;
  // How long a write waits for another process's write lock before errc::timeout.
  std::chrono::milliseconds busy_timeout{5000};
  // The SQLite VFS to use; empty means SQLite's default. Tests pass a fault-injection VFS here.
  std::string vfs;
  // WAL pages that trigger an automatic checkpoint (SQLite's default is 1000).
  int wal_autocheckpoint_pages = 1000;
  // Source of appended_at / created_at / updated_at.
  ledger_clock clock = system_ledger_time;
};

// Builds the next record from the head; runs inside append_record's transaction. Signing may fail, so it
// returns expected; its error is returned by append_record unchanged.
using record_builder = std::function<core::expected<new_record>(const chain_head&)>;
// Writes rows that must commit atomically with the record (e.g. seals the file the record describes,
// citing record.seq); runs after the record's INSERT; an error rolls back the whole append.
using row_writer = std::function<core::status(transaction&, const stored_record& record)>;

// Opens (or, with create_if_missing, creates) the ledger at `path`: WAL, synchronous=FULL, foreign keys on,
// the busy timeout, application_id checked, quick_check and the head record's hash verified, missing
// migrations applied. Errors name the path: not_found (missing, no create), malformed (not an SQLite file,
// or an SQLite file that is not a ledger), unsupported (schema newer than this build, or older and
// read-only), corrupt (quick_check or head hash failed), io/permission/timeout from SQLite.
[[nodiscard]] core::expected<ledger> open(const std::filesystem::path& path, open_options options = {});

class ledger {
 public:
  ledger(ledger&&) noexcept;
  ledger& operator=(ledger&&) noexcept;
  ledger(const ledger&) = delete;
  ledger& operator=(const ledger&) = delete;
  ~ledger();

  [[nodiscard]] const std::filesystem::path& path() const noexcept;
  [[nodiscard]] bool is_read_only() const noexcept { return read_only_; }

  // ── chain ──
  [[nodiscard]] core::expected<chain_head> head() const;
  // BEGIN IMMEDIATE; head; make(head); check seq == head.next_seq and size > 64; hash; insert; also(tx, record);
  // COMMIT. Returns the record as stored.
  [[nodiscard]] core::expected<stored_record> append_record(const record_builder& make, const row_writer& also = {});
  [[nodiscard]] core::expected<stored_record> record(std::uint64_t seq) const;  // not_found if absent
  [[nodiscard]] core::status for_each_record(std::uint64_t from_seq, const record_visitor& visit) const;
  [[nodiscard]] core::expected<std::uint64_t> record_count() const;

  // ── files and fragments ── (each call is its own transaction; inside append_record use the transaction)
  [[nodiscard]] core::status add_file(const new_file& file);
  [[nodiscard]] core::status add_fragment(const fragment_entry& fragment);
  [[nodiscard]] core::status set_file_state(std::string_view name, const file_transition& transition);
  [[nodiscard]] core::expected<file_entry> file(std::string_view name) const;  // not_found if absent
  [[nodiscard]] core::expected<std::vector<fragment_entry>> fragments(std::string_view file_name) const;
  [[nodiscard]] core::expected<std::vector<file_entry>> files_in_state(file_state state) const;

  // ── meta ──
  [[nodiscard]] core::expected<std::optional<std::string>> device_id() const;
  // Sets the device id once; setting the same id again is a no-op, a different one is errc::conflict.
  [[nodiscard]] core::status set_device_id(std::string_view id);
  [[nodiscard]] core::expected<std::uint64_t> boot_counter() const;  // 0 before the first boot
  // Increments the boot counter in its own durable transaction and returns the new value (1 on first boot).
  [[nodiscard]] core::expected<std::uint64_t> next_boot_counter();

  // ── checks ──
  // Full check: PRAGMA integrity_check and foreign_key_check, seqs contiguous from 0, every record's
  // hash against its bytes. errc::corrupt naming the file and the first thing that failed. Reads only.
  [[nodiscard]] core::status integrity_check() const;

 private:
  friend core::expected<ledger> open(const std::filesystem::path& path, open_options options);
  ledger(std::unique_ptr<sqlite::connection> db, open_options options) noexcept;
  [[nodiscard]] core::status refuse_if_read_only(std::string_view operation) const;
  template <class Write>
  [[nodiscard]] core::status write_alone(std::string_view what, Write&& write);

  std::unique_ptr<sqlite::connection> db_;
  ledger_clock clock_;
  bool read_only_ = false;
};

}  // namespace bodycam::common::ledger
