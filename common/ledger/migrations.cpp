// The migration list; see migrations.hpp. common/sqlite applies it. The SQL here is the authoritative
// schema; README.md explains it table by table.
#include "common/ledger/migrations.hpp"

#include <array>

namespace bodycam::common::ledger {
namespace {

// Migration 1: the initial schema. Times are UTC milliseconds since the Unix epoch (ledger_time). Hashes
// are 32-byte SHA-256 digests. Triggers keep the invariants numbered in ledger.hpp even against a writer
// that bypasses this library (defence in depth; this library checks the same rules first and explains).
constexpr const char* migration_1_sql = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY NOT NULL,
  value ANY NOT NULL
) STRICT, WITHOUT ROWID;

-- Invariant 7: the boot counter only goes up and is never removed.
CREATE TRIGGER meta_boot_counter_increases BEFORE UPDATE ON meta
WHEN OLD.key = 'boot_counter'
 AND (NEW.key IS NOT 'boot_counter' OR typeof(NEW.value) != 'integer' OR NEW.value <= OLD.value)
BEGIN SELECT RAISE(ABORT, 'meta: the boot counter never goes backwards'); END;
CREATE TRIGGER meta_boot_counter_kept BEFORE DELETE ON meta
WHEN OLD.key = 'boot_counter'
BEGIN SELECT RAISE(ABORT, 'meta: the boot counter is never removed'); END;
-- A ledger belongs to one device for life.
CREATE TRIGGER meta_device_id_fixed BEFORE UPDATE ON meta
WHEN OLD.key = 'device_id'
BEGIN SELECT RAISE(ABORT, 'meta: the device id of a ledger never changes'); END;
CREATE TRIGGER meta_device_id_kept BEFORE DELETE ON meta
WHEN OLD.key = 'device_id'
BEGIN SELECT RAISE(ABORT, 'meta: the device id of a ledger is never removed'); END;

CREATE TABLE records (
  seq         INTEGER PRIMARY KEY CHECK (seq >= 0),
  kind        INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 65535),
  hash        BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
  bytes       BLOB NOT NULL CHECK (length(bytes) > 64),
  appended_at INTEGER NOT NULL
) STRICT;

-- Invariant 1: records are append-only and their seqs run 0, 1, 2, … without gaps.
CREATE TRIGGER records_seq_is_next BEFORE INSERT ON records
WHEN NEW.seq IS NOT (SELECT ifnull(max(seq) + 1, 0) FROM records)
BEGIN SELECT RAISE(ABORT, 'records: seq is not the next seq of the chain'); END;
CREATE TRIGGER records_no_update BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'records: records are append-only'); END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'records: records are append-only'); END;

CREATE TABLE files (
  name        TEXT PRIMARY KEY NOT NULL CHECK (length(name) > 0 AND instr(name, '/') = 0),
  kind        TEXT NOT NULL CHECK (kind IN ('segment', 'annotation')),
  session_id  TEXT NOT NULL CHECK (length(session_id) > 0),
  state       TEXT NOT NULL CHECK (state IN ('partial', 'sealed', 'stored', 'reclaimed')),
  byte_length INTEGER CHECK (byte_length >= 0),
  sha256      BLOB CHECK (length(sha256) = 32),
  sealing_seq INTEGER REFERENCES records (seq),
  receipt_seq INTEGER REFERENCES records (seq),
  reclaim_seq INTEGER REFERENCES records (seq),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  -- what each state requires, and nothing before its time
  CHECK ((state = 'partial') = (sealing_seq IS NULL)),
  CHECK ((state = 'partial') = (byte_length IS NULL) AND (state = 'partial') = (sha256 IS NULL)),
  CHECK ((state IN ('stored', 'reclaimed')) = (receipt_seq IS NOT NULL)),
  CHECK ((state = 'reclaimed') = (reclaim_seq IS NOT NULL))
) STRICT, WITHOUT ROWID;
CREATE INDEX files_by_state ON files (state, created_at);

-- Invariant 5: partial → sealed → stored → reclaimed, nothing else (mirrors file_state_transitions).
CREATE TRIGGER files_state_moves_forward BEFORE UPDATE OF state ON files
WHEN NOT ((OLD.state = 'partial' AND NEW.state = 'sealed')
       OR (OLD.state = 'sealed' AND NEW.state = 'stored')
       OR (OLD.state = 'stored' AND NEW.state = 'reclaimed'))
BEGIN SELECT RAISE(ABORT, 'files: state transition not allowed'); END;
-- What sealing fixed, and what a file is, never changes.
CREATE TRIGGER files_seal_is_final BEFORE UPDATE ON files
WHEN NEW.name IS NOT OLD.name OR NEW.kind IS NOT OLD.kind OR NEW.session_id IS NOT OLD.session_id
  OR NEW.created_at IS NOT OLD.created_at
  OR (OLD.state != 'partial' AND (NEW.byte_length IS NOT OLD.byte_length OR NEW.sha256 IS NOT OLD.sha256
                                  OR NEW.sealing_seq IS NOT OLD.sealing_seq))
  OR (OLD.receipt_seq IS NOT NULL AND NEW.receipt_seq IS NOT OLD.receipt_seq)
BEGIN SELECT RAISE(ABORT, 'files: a sealed file''s identity never changes'); END;
CREATE TRIGGER files_no_delete BEFORE DELETE ON files
BEGIN SELECT RAISE(ABORT, 'files: file rows are history and are never deleted'); END;

CREATE TABLE fragments (
  file_name      TEXT NOT NULL REFERENCES files (name),
  fragment_index INTEGER NOT NULL CHECK (fragment_index >= 0),
  byte_offset    INTEGER NOT NULL CHECK (byte_offset >= 0),
  byte_length    INTEGER NOT NULL CHECK (byte_length > 0),
  sha256         BLOB NOT NULL CHECK (length(sha256) = 32),
  PRIMARY KEY (file_name, fragment_index)
) STRICT, WITHOUT ROWID;

-- Invariant 6: fragments are added to partial files only, numbered 0, 1, 2, … in file order, never
-- overlapping, and never changed.
CREATE TRIGGER fragments_only_while_partial BEFORE INSERT ON fragments
WHEN (SELECT state FROM files WHERE name = NEW.file_name) IS NOT 'partial'
BEGIN SELECT RAISE(ABORT, 'fragments: the file is not partial'); END;
CREATE TRIGGER fragments_index_is_next BEFORE INSERT ON fragments
WHEN NEW.fragment_index IS NOT (SELECT ifnull(max(fragment_index) + 1, 0) FROM fragments
                                WHERE file_name = NEW.file_name)
BEGIN SELECT RAISE(ABORT, 'fragments: index is not the next fragment index of the file'); END;
CREATE TRIGGER fragments_do_not_overlap BEFORE INSERT ON fragments
WHEN NEW.byte_offset < ifnull((SELECT byte_offset + byte_length FROM fragments WHERE file_name = NEW.file_name
                               ORDER BY fragment_index DESC LIMIT 1), 0)
BEGIN SELECT RAISE(ABORT, 'fragments: the fragment overlaps the previous one'); END;
CREATE TRIGGER fragments_no_update BEFORE UPDATE ON fragments
BEGIN SELECT RAISE(ABORT, 'fragments: fragment rows never change'); END;
CREATE TRIGGER fragments_no_delete BEFORE DELETE ON fragments
BEGIN SELECT RAISE(ABORT, 'fragments: fragment rows are never deleted'); END;
)sql";

// Migration 2: a file may also be a `photo` (a still taken while recording, sealed by its `photo` record).
// SQLite cannot change a CHECK in place, so `files` is rebuilt under its own name with the same columns,
// constraints, index and triggers, every row copied back unchanged. DROP TABLE fires no trigger; the rows
// of `fragments` that name a file count as deferred foreign-key violations (defer_foreign_keys) until the
// same name is inserted again, so the commit succeeds only if every file came back.
constexpr const char* migration_2_sql = R"sql(
PRAGMA defer_foreign_keys = ON;
CREATE TABLE files_before_2 AS SELECT * FROM files;
DROP TABLE files;
CREATE TABLE files (
  name        TEXT PRIMARY KEY NOT NULL CHECK (length(name) > 0 AND instr(name, '/') = 0),
  kind        TEXT NOT NULL CHECK (kind IN ('segment', 'annotation', 'photo')),
  session_id  TEXT NOT NULL CHECK (length(session_id) > 0),
  state       TEXT NOT NULL CHECK (state IN ('partial', 'sealed', 'stored', 'reclaimed')),
  byte_length INTEGER CHECK (byte_length >= 0),
  sha256      BLOB CHECK (length(sha256) = 32),
  sealing_seq INTEGER REFERENCES records (seq),
  receipt_seq INTEGER REFERENCES records (seq),
  reclaim_seq INTEGER REFERENCES records (seq),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  CHECK ((state = 'partial') = (sealing_seq IS NULL)),
  CHECK ((state = 'partial') = (byte_length IS NULL) AND (state = 'partial') = (sha256 IS NULL)),
  CHECK ((state IN ('stored', 'reclaimed')) = (receipt_seq IS NOT NULL)),
  CHECK ((state = 'reclaimed') = (reclaim_seq IS NOT NULL))
) STRICT, WITHOUT ROWID;
INSERT INTO files (name, kind, session_id, state, byte_length, sha256, sealing_seq, receipt_seq, reclaim_seq,
                   created_at, updated_at)
  SELECT name, kind, session_id, state, byte_length, sha256, sealing_seq, receipt_seq, reclaim_seq,
         created_at, updated_at FROM files_before_2;
DROP TABLE files_before_2;
CREATE INDEX files_by_state ON files (state, created_at);
CREATE TRIGGER files_state_moves_forward BEFORE UPDATE OF state ON files
WHEN NOT ((OLD.state = 'partial' AND NEW.state = 'sealed')
       OR (OLD.state = 'sealed' AND NEW.state = 'stored')
       OR (OLD.state = 'stored' AND NEW.state = 'reclaimed'))
BEGIN SELECT RAISE(ABORT, 'files: state transition not allowed'); END;
CREATE TRIGGER files_seal_is_final BEFORE UPDATE ON files
WHEN NEW.name IS NOT OLD.name OR NEW.kind IS NOT OLD.kind OR NEW.session_id IS NOT OLD.session_id
  OR NEW.created_at IS NOT OLD.created_at
  OR (OLD.state != 'partial' AND (NEW.byte_length IS NOT OLD.byte_length OR NEW.sha256 IS NOT OLD.sha256
                                  OR NEW.sealing_seq IS NOT OLD.sealing_seq))
  OR (OLD.receipt_seq IS NOT NULL AND NEW.receipt_seq IS NOT OLD.receipt_seq)
BEGIN SELECT RAISE(ABORT, 'files: a sealed file''s identity never changes'); END;
CREATE TRIGGER files_no_delete BEFORE DELETE ON files
BEGIN SELECT RAISE(ABORT, 'files: file rows are history and are never deleted'); END;
)sql";

constexpr std::array<migration, 2> migrations{{
    {1, "initial schema: meta, records, files, fragments", migration_1_sql},
    {2, "files may be photos", migration_2_sql},
}};

}  // namespace

std::span<const migration> ledger_migrations() noexcept { return migrations; }

int latest_schema_version() noexcept { return migrations.back().version; }

sqlite::schema ledger_schema() noexcept { return {"ledger", ledger_application_id, migrations}; }

core::status apply_migrations(sqlite::connection& db, std::span<const migration> list) {
  return sqlite::apply_migrations(db, {"ledger", ledger_application_id, list});
}

}  // namespace bodycam::common::ledger
