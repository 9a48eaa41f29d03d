// SQL of the files and fragments tables; see file_table.hpp.
#include "common/ledger/file_table.hpp"

#include "common/sqlite/connection.hpp"
#include "common/ledger/record_table.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace bodycam::common::ledger {
namespace {

using sqlite::max_sql_integer;
constexpr std::size_t max_name_length = 255;

std::string quote_name(std::string_view name) { return "'" + std::string(name) + "'"; }

// A file name is one path component: the recorder, the store and clerks all use it as such.
core::status check_file_name(const sqlite::connection& db, std::string_view operation, std::string_view name) {
  if (name.empty() || name.size() > max_name_length || name == "." || name == ".." ||
      name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos)
    return db.fail(operation, core::errc::invalid_argument,
                   "file name " + quote_name(name) + " is not a single path component of 1 to 255 bytes");
  return {};
}

core::expected<crypto::sha256_digest> digest_column(const sqlite::connection& db, std::string_view operation,
                                                    const sqlite::statement& row, int index, std::string_view what) {
  const core::byte_view raw = row.column_blob(index);
  if (raw.size() != crypto::sha256_digest::size)
    return db.fail(operation, core::errc::corrupt,
                   std::string(what) + " is " + std::to_string(raw.size()) + " bytes, not 32");
  crypto::sha256_digest out;
  std::copy(raw.begin(), raw.end(), out.bytes.begin());
  return out;
}

std::optional<std::uint64_t> optional_seq(const sqlite::statement& row, int index) {
  if (row.column_is_null(index)) return std::nullopt;
  return static_cast<std::uint64_t>(row.column_int(index));
}

constexpr std::string_view file_columns =
    "SELECT name, kind, session_id, state, byte_length, sha256, sealing_seq, receipt_seq, reclaim_seq, created_at, "
    "updated_at FROM files ";

core::expected<file_entry> decode_file(const sqlite::connection& db, std::string_view operation, const sqlite::statement& row) {
  file_entry out;
  out.name = row.column_text(0);
  const std::string where = "file " + quote_name(out.name);
  auto kind = parse_file_kind(row.column_text(1));
  if (!kind) return db.fail(operation, core::errc::corrupt, where + ": " + kind.error().context);
  auto state = parse_file_state(row.column_text(3));
  if (!state) return db.fail(operation, core::errc::corrupt, where + ": " + state.error().context);
  out.kind = *kind;
  out.session_id = row.column_text(2);
  out.state = *state;
  if (!row.column_is_null(4)) {
    auto digest = digest_column(db, operation, row, 5, where + " sha256");
    if (!digest) return std::unexpected(digest.error());
    out.seal = file_seal{static_cast<std::uint64_t>(row.column_int(4)), *digest};
  }
  out.sealing_seq = optional_seq(row, 6);
  out.receipt_seq = optional_seq(row, 7);
  out.reclaim_seq = optional_seq(row, 8);
  out.created_at = ledger_time(std::chrono::milliseconds(row.column_int(9)));
  out.updated_at = ledger_time(std::chrono::milliseconds(row.column_int(10)));
  return out;
}

std::string transition_text(file_state from, file_state to) {
  return std::string(to_string(from)) + " → " + std::string(to_string(to));
}

}  // namespace

core::status insert_file(sqlite::connection& db, const new_file& file, ledger_time now) {
  const std::string operation = "add file " + quote_name(file.name) + " to";
  if (auto ok = check_file_name(db, operation, file.name); !ok) return ok;
  if (file.session_id.empty()) return db.fail(operation, core::errc::invalid_argument, "empty session id");
  auto existing = select_file(db, file.name);
  if (existing) return db.fail(operation, core::errc::already_exists, "the file is already in the ledger");
  if (existing.error().code != core::errc::not_found) return std::unexpected(existing.error());

  auto stmt = db.prepare(operation,
                         "INSERT INTO files (name, kind, session_id, state, created_at, updated_at) "
                         "VALUES (?1, ?2, ?3, 'partial', ?4, ?4)");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_text(1, file.name);
  stmt->bind_text(2, to_string(file.kind));
  stmt->bind_text(3, file.session_id);
  stmt->bind_int(4, now.time_since_epoch().count());
  return stmt->run();
}

core::status insert_fragment(sqlite::connection& db, const fragment_entry& fragment) {
  const std::string operation =
      "add fragment " + std::to_string(fragment.index) + " of file " + quote_name(fragment.file_name) + " to";
  if (fragment.index > max_sql_integer || fragment.byte_offset > max_sql_integer ||
      fragment.byte_length > max_sql_integer - fragment.byte_offset)
    return db.fail(operation, core::errc::invalid_argument, "index, offset or length beyond 2^63 - 1");
  if (fragment.byte_length == 0) return db.fail(operation, core::errc::invalid_argument, "empty fragment");
  auto file = select_file(db, fragment.file_name);
  if (!file) return std::unexpected(file.error());
  if (file->state != file_state::partial)
    return db.fail(operation, core::errc::conflict,
                   "the file is " + std::string(to_string(file->state)) + ", not partial");
  // Index order and overlap are refused by the fragments_* triggers (errc::conflict, their message says which).
  auto stmt = db.prepare(operation,
                         "INSERT INTO fragments (file_name, fragment_index, byte_offset, byte_length, sha256) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_text(1, fragment.file_name);
  stmt->bind_int(2, static_cast<std::int64_t>(fragment.index));
  stmt->bind_int(3, static_cast<std::int64_t>(fragment.byte_offset));
  stmt->bind_int(4, static_cast<std::int64_t>(fragment.byte_length));
  stmt->bind_blob(5, fragment.sha256.view());
  return stmt->run();
}

core::status update_file_state(sqlite::connection& db, std::string_view name, const file_transition& transition,
                               ledger_time now) {
  const std::string operation = "set state of file " + quote_name(name) + " in";
  auto file = select_file(db, name);
  if (!file) return std::unexpected(file.error());
  // Invariant 5: only the moves listed in file_state_transitions.
  if (!is_allowed_transition(file->state, transition.to))
    return db.fail(operation, core::errc::conflict,
                   transition_text(file->state, transition.to) +
                       " is not allowed (a file moves partial → sealed → stored → reclaimed, one step at a time)");
  if ((transition.to == file_state::sealed) != transition.seal.has_value())
    return db.fail(
        operation, core::errc::invalid_argument,
        transition.seal ? "only sealing fixes a length and SHA-256" : "sealing needs the file's length and SHA-256");
  auto cited = record_exists(db, transition.record_seq);
  if (!cited) return std::unexpected(cited.error());
  if (!*cited)
    return db.fail(operation, core::errc::not_found,
                   transition_text(file->state, transition.to) + " cites record " +
                       std::to_string(transition.record_seq) + ", which is not in the ledger");

  const char* sql = nullptr;
  switch (transition.to) {
    case file_state::sealed:
      sql =
          "UPDATE files SET state = 'sealed', sealing_seq = ?2, byte_length = ?3, sha256 = ?4, updated_at = ?5 "
          "WHERE name = ?1";
      break;
    case file_state::stored:
      sql = "UPDATE files SET state = 'stored', receipt_seq = ?2, updated_at = ?5 WHERE name = ?1";
      break;
    case file_state::reclaimed:
      sql = "UPDATE files SET state = 'reclaimed', reclaim_seq = ?2, updated_at = ?5 WHERE name = ?1";
      break;
    case file_state::partial: return db.fail(operation, core::errc::conflict, "no file moves back to partial");
  }
  auto stmt = db.prepare(operation, sql);
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_text(1, name);
  stmt->bind_int(2, static_cast<std::int64_t>(transition.record_seq));
  if (transition.seal) {
    if (transition.seal->byte_length > max_sql_integer)
      return db.fail(operation, core::errc::invalid_argument, "length beyond 2^63 - 1");
    stmt->bind_int(3, static_cast<std::int64_t>(transition.seal->byte_length));
    stmt->bind_blob(4, transition.seal->sha256.view());
  }
  stmt->bind_int(5, now.time_since_epoch().count());
  return stmt->run();
}

core::expected<file_entry> select_file(sqlite::connection& db, std::string_view name) {
  const std::string operation = "read file " + quote_name(name) + " of";
  auto stmt = db.prepare(operation, std::string(file_columns) + "WHERE name = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_text(1, name);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return db.fail(operation, core::errc::not_found, "no such file");
  return decode_file(db, operation, *stmt);
}

core::expected<std::vector<fragment_entry>> select_fragments(sqlite::connection& db, std::string_view file_name) {
  const std::string operation = "read fragments of file " + quote_name(file_name) + " of";
  auto stmt = db.prepare(operation,
                         "SELECT fragment_index, byte_offset, byte_length, sha256 FROM fragments "
                         "WHERE file_name = ?1 ORDER BY fragment_index");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_text(1, file_name);
  std::vector<fragment_entry> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    const std::string where = "fragment " + std::to_string(stmt->column_int(0));
    auto digest = digest_column(db, operation, *stmt, 3, where + " sha256");
    if (!digest) return std::unexpected(digest.error());
    out.push_back(fragment_entry{std::string(file_name), static_cast<std::uint64_t>(stmt->column_int(0)),
                                 static_cast<std::uint64_t>(stmt->column_int(1)),
                                 static_cast<std::uint64_t>(stmt->column_int(2)), *digest});
  }
}

core::expected<std::vector<file_entry>> select_files_in_state(sqlite::connection& db, file_state state) {
  const std::string operation = "list " + std::string(to_string(state)) + " files of";
  auto stmt = db.prepare(operation, std::string(file_columns) + "WHERE state = ?1 ORDER BY created_at, name");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_text(1, to_string(state));
  std::vector<file_entry> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    auto file = decode_file(db, operation, *stmt);
    if (!file) return std::unexpected(file.error());
    out.push_back(std::move(*file));
  }
}

}  // namespace bodycam::common::ledger
