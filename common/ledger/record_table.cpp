// SQL of the records table; see record_table.hpp.
#include "common/ledger/record_table.hpp"

#include "common/sqlite/connection.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace bodycam::common::ledger {
namespace {

using sqlite::max_sql_integer;

core::expected<stored_record> decode_record(const sqlite::connection& db, const sqlite::statement& row, std::string_view operation) {
  const std::int64_t seq = row.column_int(0);
  const std::int64_t kind = row.column_int(1);
  const core::byte_view hash = row.column_blob(2);
  const std::string where = "record row " + std::to_string(seq);
  if (seq < 0) return db.fail(operation, core::errc::corrupt, where + ": negative seq");
  if (kind < 0 || kind > std::numeric_limits<std::uint16_t>::max())
    return db.fail(operation, core::errc::corrupt, where + ": kind " + std::to_string(kind) + " is not a u16");
  if (hash.size() != crypto::sha256_digest::size)
    return db.fail(operation, core::errc::corrupt,
                   where + ": hash is " + std::to_string(hash.size()) + " bytes, not 32");
  stored_record out;
  out.seq = static_cast<std::uint64_t>(seq);
  out.kind = static_cast<std::uint16_t>(kind);
  std::copy(hash.begin(), hash.end(), out.hash.bytes.begin());
  const core::byte_view bytes = row.column_blob(3);
  out.bytes.assign(bytes.begin(), bytes.end());
  out.appended_at = ledger_time(std::chrono::milliseconds(row.column_int(4)));
  return out;
}

constexpr std::string_view select_columns = "SELECT seq, kind, hash, bytes, appended_at FROM records ";

}  // namespace

core::expected<crypto::sha256_digest> compute_record_hash(core::byte_view signed_record) {
  if (signed_record.size() <= record_signature_size)
    return core::fail(core::errc::invalid_argument, "record of " + std::to_string(signed_record.size()) +
                                                        " bytes is not longer than its 64-byte signature");
  return crypto::sha256(signed_record.first(signed_record.size() - record_signature_size));
}

core::status check_record_hash(const sqlite::connection& db, std::string_view operation, const stored_record& record) {
  const std::string where = "record " + std::to_string(record.seq);
  auto actual = compute_record_hash(record.bytes);
  if (!actual) return db.fail(operation, core::errc::corrupt, where + ": " + actual.error().context);
  if (*actual != record.hash)
    return db.fail(operation, core::errc::corrupt,
                   where + ": stored hash " + record.hash.to_hex() + " but its bytes hash to " + actual->to_hex());
  return {};
}

core::expected<chain_head> select_head(sqlite::connection& db) {
  const std::string_view operation = "read chain head of";
  auto stmt = db.prepare(operation, "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  chain_head head;
  if (!*row) return head;
  const std::int64_t seq = stmt->column_int(0);
  const core::byte_view hash = stmt->column_blob(1);
  if (seq < 0 || static_cast<std::uint64_t>(seq) >= max_sql_integer || hash.size() != crypto::sha256_digest::size)
    return db.fail(operation, core::errc::corrupt, "head row " + std::to_string(seq) + " has a bad seq or hash");
  head.next_seq = static_cast<std::uint64_t>(seq) + 1;
  std::copy(hash.begin(), hash.end(), head.last_hash.bytes.begin());
  return head;
}

core::expected<std::optional<stored_record>> select_last_record(sqlite::connection& db) {
  const std::string_view operation = "read head record of";
  auto stmt = db.prepare(operation, std::string(select_columns) + "ORDER BY seq DESC LIMIT 1");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<stored_record>();
  auto record = decode_record(db, *stmt, operation);
  if (!record) return std::unexpected(record.error());
  return std::optional<stored_record>(std::move(*record));
}

core::expected<stored_record> select_record(sqlite::connection& db, std::uint64_t seq) {
  const std::string operation = "read record " + std::to_string(seq) + " of";
  if (seq > max_sql_integer) return db.fail(operation, core::errc::not_found, "no such record");
  auto stmt = db.prepare(operation, std::string(select_columns) + "WHERE seq = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_int(1, static_cast<std::int64_t>(seq));
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return db.fail(operation, core::errc::not_found, "no such record");
  return decode_record(db, *stmt, operation);
}

core::expected<bool> record_exists(sqlite::connection& db, std::uint64_t seq) {
  if (seq > max_sql_integer) return false;
  auto stmt = db.prepare("look up record " + std::to_string(seq) + " in", "SELECT 1 FROM records WHERE seq = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_int(1, static_cast<std::int64_t>(seq));
  return stmt->step();
}

core::expected<std::uint64_t> count_records(sqlite::connection& db) {
  auto stmt = db.prepare("count records of", "SELECT count(*) FROM records");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return static_cast<std::uint64_t>(stmt->column_int(0));
}

core::status scan_records(sqlite::connection& db, std::uint64_t from_seq, const record_visitor& visit) {
  const std::string_view operation = "read records of";
  if (from_seq > max_sql_integer) return {};
  auto stmt = db.prepare(operation, std::string(select_columns) + "WHERE seq >= ?1 ORDER BY seq");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_int(1, static_cast<std::int64_t>(from_seq));
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
    auto record = decode_record(db, *stmt, operation);
    if (!record) return std::unexpected(record.error());
    if (auto ok = visit(*record); !ok) return ok;
  }
}

core::status insert_record(sqlite::connection& db, const stored_record& record) {
  const std::string operation = "insert record " + std::to_string(record.seq) + " into";
  if (record.seq > max_sql_integer) return db.fail(operation, core::errc::invalid_argument, "seq beyond 2^63 - 1");
  auto stmt =
      db.prepare(operation, "INSERT INTO records (seq, kind, hash, bytes, appended_at) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_int(1, static_cast<std::int64_t>(record.seq));
  stmt->bind_int(2, record.kind);
  stmt->bind_blob(3, record.hash.view());
  stmt->bind_blob(4, record.bytes);
  stmt->bind_int(5, record.appended_at.time_since_epoch().count());
  return stmt->run();
}

}  // namespace bodycam::common::ledger
