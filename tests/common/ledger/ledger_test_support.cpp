// Test support for the ledger suites; see ledger_test_support.hpp.
#include "tests/common/ledger/ledger_test_support.hpp"

#include "common/core/durable_file.hpp"
#include "common/crypto/sha256.hpp"

#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace bodycam::tests::ledger {

namespace core = common::core;
namespace crypto = common::crypto;

namespace {
constexpr std::string_view record_tag = "bodycam-test-record";
}

ldg::new_record make_test_record(const ldg::chain_head& head, std::uint16_t kind, std::size_t payload_size) {
  core::byte_writer w;
  w.put_raw(record_tag);
  w.put_u64(head.next_seq);
  w.put_raw(head.last_hash.view());
  w.put_u16(kind);
  core::byte_buffer payload(payload_size);
  for (std::size_t i = 0; i < payload.size(); ++i)
    payload[i] = static_cast<std::uint8_t>((head.next_seq * 31 + i) & 0xff);
  w.put_bytes32(payload);
  const auto canonical_hash = crypto::sha256(w.bytes());
  w.put_raw(canonical_hash.view());  // 64 bytes that stand in for the Ed25519 signature
  w.put_raw(canonical_hash.view());
  return ldg::new_record{head.next_seq, kind, w.take()};
}

ldg::record_builder test_record_builder(std::uint16_t kind, std::size_t payload_size) {
  return [kind, payload_size](const ldg::chain_head& head) -> core::expected<ldg::new_record> {
    return make_test_record(head, kind, payload_size);
  };
}

std::string chain_problems(const ldg::ledger& l) {
  auto head = l.head();
  if (!head) return "head: " + head.error().context;
  auto count = l.record_count();
  if (!count) return "count: " + count.error().context;
  if (*count != head->next_seq)
    return "record count " + std::to_string(*count) + " != head next_seq " + std::to_string(head->next_seq);
  std::string problem;
  std::uint64_t expected_seq = 0;
  crypto::sha256_digest previous{};
  auto walked = l.for_each_record(0, [&](const ldg::stored_record& r) -> core::status {
    const std::string where = "record " + std::to_string(r.seq) + ": ";
    if (r.seq != expected_seq) problem = where + "expected seq " + std::to_string(expected_seq);
    auto hash = ldg::compute_record_hash(r.bytes);
    if (problem.empty() && (!hash || *hash != r.hash)) problem = where + "stored hash does not match its bytes";
    core::byte_reader reader(r.bytes);
    auto tag = reader.get_raw(record_tag.size(), "tag");
    auto seq = reader.get_u64("seq");
    auto prev = reader.get_array<32>("prev_hash");
    if (problem.empty() && (!tag || !seq || !prev)) problem = where + "not a test record";
    if (problem.empty() && *seq != r.seq) problem = where + "embedded seq " + std::to_string(*seq);
    if (problem.empty() && *prev != previous.bytes) problem = where + "prev_hash does not link to the record before";
    previous = r.hash;
    ++expected_seq;
    if (!problem.empty()) return core::fail(core::errc::corrupt, problem);
    return {};
  });
  if (!walked) return problem.empty() ? "walk: " + walked.error().context : problem;
  if (expected_seq != head->next_seq)
    return "walked " + std::to_string(expected_seq) + " records, head says " + std::to_string(head->next_seq);
  if (head->next_seq > 0 && head->last_hash != previous) return "head last_hash is not the hash of the last record";
  if (auto ok = l.integrity_check(); !ok) return "integrity_check: " + ok.error().context;
  return {};
}

std::string file_digest(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return "absent";
  auto bytes = core::read_file(path, std::size_t{1} << 30);
  if (!bytes) return "unreadable: " + bytes.error().context;
  return crypto::sha256(*bytes).to_hex();
}

ledger_snapshot snapshot(const std::filesystem::path& ledger_path) {
  return {file_digest(ledger_path), file_digest(ledger_path.string() + "-wal")};
}

std::string changes_since(const ledger_snapshot& before, const std::filesystem::path& ledger_path) {
  const auto now = snapshot(ledger_path);
  if (now.db != before.db) return "ledger file changed: " + before.db + " → " + now.db;
  if (now.wal == before.wal) return {};
  const std::string empty = crypto::sha256(core::byte_view{}).to_hex();
  if (before.wal == "absent" && now.wal == empty) return {};
  return "WAL changed: " + before.wal + " → " + now.wal;
}

common::sqlite::database_ptr open_raw(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  common::sqlite::database_ptr db(raw);
  if (rc != SQLITE_OK) throw std::runtime_error("open " + path.string() + ": " + sqlite3_errstr(rc));
  return db;
}

std::string raw_exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string out = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return out;
}

namespace {
common::sqlite::statement_ptr raw_row(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    throw std::runtime_error("prepare " + sql + ": " + sqlite3_errmsg(db));
  common::sqlite::statement_ptr stmt(raw);
  if (sqlite3_step(stmt.get()) != SQLITE_ROW)
    throw std::runtime_error("no row from " + sql + ": " + sqlite3_errmsg(db));
  return stmt;
}
}  // namespace

std::int64_t raw_int(sqlite3* db, const std::string& sql) { return sqlite3_column_int64(raw_row(db, sql).get(), 0); }

std::string raw_text(sqlite3* db, const std::string& sql) {
  auto stmt = raw_row(db, sql);
  const unsigned char* text = sqlite3_column_text(stmt.get(), 0);
  return text != nullptr ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}

ldg::open_options test_options(bool create) {
  ldg::open_options options;
  options.create_if_missing = create;
  options.clock = [] { return ldg::ledger_time(std::chrono::milliseconds(1'700'000'000'000)); };
  return options;
}

}  // namespace bodycam::tests::ledger
