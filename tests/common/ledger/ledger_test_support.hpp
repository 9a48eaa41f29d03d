// Test support for the ledger suites: stand-in signed records that carry their own
// seq and prev_hash (so tests can check the chain links the ledger itself treats as opaque), and one
// function that checks every invariant a reopened ledger must satisfy.
#pragma once

#include "common/core/bytes.hpp"
#include "common/ledger/ledger.hpp"
#include "common/sqlite/handles.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace bodycam::tests::ledger {

namespace ldg = common::ledger;

// A stand-in for a signed record: "bodycam-test-record" | seq u64 | prev_hash | kind u16 | payload (u32
// length) | 64 bytes that play the signature. Deterministic in (head, kind, payload_size).
[[nodiscard]] ldg::new_record make_test_record(const ldg::chain_head& head, std::uint16_t kind = 3,
                                               std::size_t payload_size = 120);
// A builder for append_record that makes the record above.
[[nodiscard]] ldg::record_builder test_record_builder(std::uint16_t kind = 3, std::size_t payload_size = 120);

// Every invariant of a ledger at rest, checked through the public API: head == record count, seqs 0..n-1,
// each stored hash == SHA-256(bytes minus 64), each test record's embedded seq and prev_hash link to the
// record before, and integrity_check() passes. Returns "" or the first problem found.
[[nodiscard]] std::string chain_problems(const ldg::ledger& l);

// SHA-256 hex of a file's bytes, or "absent".
[[nodiscard]] std::string file_digest(const std::filesystem::path& path);
// What "left byte for byte unchanged" compares: the ledger file and its WAL.
struct ledger_snapshot {
  std::string db;
  std::string wal;  // "absent" if there was none
};
[[nodiscard]] ledger_snapshot snapshot(const std::filesystem::path& ledger_path);
// "" if the ledger file is byte for byte as in `before` and its WAL too — except that a WAL absent before
// may now exist empty (SQLite creates it on open; with no frames it cannot change the ledger's content).
// Otherwise says what changed.
[[nodiscard]] std::string changes_since(const ledger_snapshot& before, const std::filesystem::path& ledger_path);

// Plain SQLite access that bypasses the ledger, for tests that build foreign files, tamper with a ledger or
// check what the schema itself refuses. open_raw throws std::runtime_error if SQLite cannot open the path.
[[nodiscard]] common::sqlite::database_ptr open_raw(const std::filesystem::path& path);
// Runs SQL; returns "" on success or SQLite's error message.
[[nodiscard]] std::string raw_exec(sqlite3* db, const std::string& sql);
// The integer in the first column of the first row (throws if there is none).
[[nodiscard]] std::int64_t raw_int(sqlite3* db, const std::string& sql);
[[nodiscard]] std::string raw_text(sqlite3* db, const std::string& sql);

// The options tests open with: a fixed clock so times are predictable.
[[nodiscard]] ldg::open_options test_options(bool create = true);

}  // namespace bodycam::tests::ledger
