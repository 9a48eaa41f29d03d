// The dock's queue in SQLite (guarantees Q1-Q5 in queue_store.hpp). Only this file touches SQLite for it.
// Every SQLite handle is in a unique_ptr with a named deleter; every mutation is one IMMEDIATE transaction
// that commits explicitly and rolls back in a destructor otherwise.
#include "ingest/schedule/queue_store.hpp"

#include "common/ledger/sqlite_handles.hpp"
#include "common/core/durable_file.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

namespace bodycam::ingest::schedule {

namespace core = common::core;
namespace fs = std::filesystem;

namespace {

using database_ptr = common::ledger::sqlite_database_ptr;
using statement_ptr = common::ledger::sqlite_statement_ptr;

constexpr std::int64_t application_id = 0x42434451;  // "BCDQ"

// Numbered migrations (STYLE 14); open() applies the missing ones in one transaction.
struct migration {
  int version;
  const char* sql;
};
constexpr std::array migrations{
    migration{1, R"sql(
CREATE TABLE items (
  id           INTEGER PRIMARY KEY,
  device       TEXT NOT NULL CHECK (length(device) BETWEEN 1 AND 64),
  first_seq    INTEGER NOT NULL CHECK (first_seq >= 0),
  end_seq      INTEGER NOT NULL CHECK (end_seq > first_seq),
  file_name    TEXT NOT NULL,
  bytes        INTEGER NOT NULL CHECK (bytes >= 0),
  recorded_ns  INTEGER NOT NULL,
  deadline_ns  INTEGER NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('pending', 'in_progress', 'done')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT NOT NULL DEFAULT '',
  enqueued_ns  INTEGER NOT NULL,
  started_ns   INTEGER,
  done_ns      INTEGER,
  UNIQUE (device, first_seq, end_seq, file_name)
) STRICT;
CREATE INDEX items_by_deadline ON items (state, deadline_ns);
-- Q3: done is final; rows are never deleted.
CREATE TRIGGER items_done_is_final BEFORE UPDATE OF state ON items
  WHEN OLD.state = 'done' AND NEW.state <> 'done'
  BEGIN SELECT RAISE(ABORT, 'a done item cannot leave done'); END;
CREATE TRIGGER items_never_deleted BEFORE DELETE ON items
  BEGIN SELECT RAISE(ABORT, 'queue items are never deleted'); END;
CREATE TABLE alarms (
  id           INTEGER PRIMARY KEY,
  at_ns        INTEGER NOT NULL,
  device       TEXT NOT NULL,
  from_state   TEXT NOT NULL CHECK (from_state IN ('ok', 'at_risk', 'overdue')),
  to_state     TEXT NOT NULL CHECK (to_state IN ('ok', 'at_risk', 'overdue')),
  deadline_ns  INTEGER,
  slack_ns     INTEGER,
  detail       TEXT NOT NULL
) STRICT;
)sql"},
};

std::int64_t to_ns(utc_time t) { return t.time_since_epoch().count(); }
utc_time from_ns(std::int64_t ns) { return utc_time(std::chrono::nanoseconds(ns)); }

core::errc errc_from_sqlite(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL: return core::errc::no_space;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return core::errc::corrupt;
    case SQLITE_CONSTRAINT: return core::errc::conflict;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return core::errc::timeout;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR: return core::errc::io;
    case SQLITE_PERM:
    case SQLITE_READONLY: return core::errc::permission;
    default: return core::errc::internal;
  }
}

}  // namespace

struct queue_store::impl {
  database_ptr db;
  fs::path path;

  std::unexpected<core::error> fail(std::string_view operation, int rc) const {
    return core::fail(errc_from_sqlite(rc),
                      std::string(operation) + " dock queue " + path.string() + ": " + sqlite3_errmsg(db.get()));
  }
  std::unexpected<core::error> fail(std::string_view operation, core::errc code, std::string_view detail) const {
    return core::fail(code, std::string(operation) + " dock queue " + path.string() + ": " + std::string(detail));
  }

  core::status exec(std::string_view operation, const char* sql) {
    const int rc = sqlite3_exec(db.get(), sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return fail(operation, rc);
    return {};
  }

  core::expected<statement_ptr> prepare(std::string_view operation, std::string_view sql) const {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    statement_ptr stmt(raw);
    if (rc != SQLITE_OK) return fail(operation, rc);
    return stmt;
  }

  // true: a row; false: done.
  core::expected<bool> step(std::string_view operation, sqlite3_stmt* stmt) const {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return fail(operation, rc);
  }
};

namespace {

// An IMMEDIATE transaction: commit() is explicit and reports failure; the destructor rolls back otherwise.
class write_transaction {
 public:
  static core::expected<write_transaction> begin(queue_store::impl& q, std::string_view what);
  write_transaction(write_transaction&& other) noexcept : q_(std::exchange(other.q_, nullptr)) {}
  write_transaction& operator=(write_transaction&&) = delete;
  write_transaction(const write_transaction&) = delete;
  write_transaction& operator=(const write_transaction&) = delete;
  ~write_transaction() {
    if (q_ != nullptr && sqlite3_get_autocommit(q_->db.get()) == 0)
      sqlite3_exec(q_->db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  core::status commit(std::string_view what) {
    auto* q = std::exchange(q_, nullptr);
    const int rc = sqlite3_exec(q->db.get(), "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      auto failure = q->fail("commit " + std::string(what) + " to", rc);
      if (sqlite3_get_autocommit(q->db.get()) == 0) sqlite3_exec(q->db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      return failure;
    }
    return {};
  }

 private:
  explicit write_transaction(queue_store::impl& q) noexcept : q_(&q) {}
  queue_store::impl* q_;
};

core::expected<write_transaction> write_transaction::begin(queue_store::impl& q, std::string_view what) {
  if (auto ok = q.exec("begin " + std::string(what) + " in", "BEGIN IMMEDIATE"); !ok)
    return std::unexpected(ok.error());
  return write_transaction(q);
}

constexpr std::string_view item_columns =
    "id, device, first_seq, end_seq, file_name, bytes, recorded_ns, deadline_ns, state, attempts";

core::expected<work_item> read_item(const queue_store::impl& q, sqlite3_stmt* stmt) {
  work_item item;
  item.id = static_cast<std::uint64_t>(sqlite3_column_int64(stmt, 0));
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
  auto device = common::record::device_id::parse(text ? text : "");
  if (!device)
    return q.fail("read item " + std::to_string(item.id) + " of", core::errc::corrupt, device.error().context);
  item.device = *device;
  item.first_seq = static_cast<std::uint64_t>(sqlite3_column_int64(stmt, 2));
  item.end_seq = static_cast<std::uint64_t>(sqlite3_column_int64(stmt, 3));
  const auto* file = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 4));
  item.file_name = file ? file : "";
  item.bytes = static_cast<std::uint64_t>(sqlite3_column_int64(stmt, 5));
  item.recorded_utc = from_ns(sqlite3_column_int64(stmt, 6));
  item.deadline = from_ns(sqlite3_column_int64(stmt, 7));
  const auto* state = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 8));
  const std::string_view s = state ? state : "";
  if (s == "pending")
    item.state = item_state::pending;
  else if (s == "in_progress")
    item.state = item_state::in_progress;
  else if (s == "done")
    item.state = item_state::done;
  else
    return q.fail("read item " + std::to_string(item.id) + " of", core::errc::corrupt, "unknown state");
  item.attempts = static_cast<std::uint32_t>(sqlite3_column_int64(stmt, 9));
  return item;
}

core::expected<std::int64_t> read_int(queue_store::impl& q, std::string_view operation, const char* sql) {
  auto stmt = q.prepare(operation, sql);
  if (!stmt) return std::unexpected(stmt.error());
  auto row = q.step(operation, stmt->get());
  if (!row) return std::unexpected(row.error());
  if (!*row) return q.fail(operation, core::errc::internal, "no value");
  return sqlite3_column_int64(stmt->get(), 0);
}

core::status check_integrity(queue_store::impl& q) {
  auto stmt = q.prepare("check", "PRAGMA quick_check");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = q.step("check", stmt->get());
  if (!row) return std::unexpected(row.error());
  const auto* text = *row ? reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 0)) : nullptr;
  if (text == nullptr || std::string_view(text) != "ok")
    return q.fail("check", core::errc::corrupt, text ? text : "quick_check returned nothing");
  return {};
}

core::status migrate(queue_store::impl& q) {
  auto app = read_int(q, "identify", "PRAGMA application_id");
  if (!app) return std::unexpected(app.error());
  auto version = read_int(q, "identify", "PRAGMA user_version");
  if (!version) return std::unexpected(version.error());
  auto objects = read_int(q, "identify", "SELECT count(*) FROM sqlite_schema");
  if (!objects) return std::unexpected(objects.error());
  if (*app == 0 && *version == 0 && *objects != 0)
    return q.fail("open", core::errc::malformed, "an SQLite database that is not a dock queue");
  if (*app != 0 && *app != application_id)
    return q.fail("open", core::errc::malformed, "application_id is not BCDQ: not a dock queue");
  if (*version > migrations.back().version)
    return q.fail("open", core::errc::unsupported,
                  "schema version " + std::to_string(*version) + " is newer than this build knows (" +
                      std::to_string(migrations.back().version) + ")");
  if (*version == migrations.back().version) return {};
  auto tx = write_transaction::begin(q, "migration");
  if (!tx) return std::unexpected(tx.error());
  for (const auto& m : migrations) {
    if (m.version <= *version) continue;
    if (auto ok = q.exec("migrate to version " + std::to_string(m.version) + " of", m.sql); !ok) return ok;
  }
  const std::string stamp = "PRAGMA application_id = " + std::to_string(application_id) +
                            "; PRAGMA user_version = " + std::to_string(migrations.back().version) + ";";
  if (auto ok = q.exec("stamp", stamp.c_str()); !ok) return ok;
  return tx->commit("migration");
}

}  // namespace

queue_store::queue_store(std::unique_ptr<impl> state) noexcept : impl_(std::move(state)) {}
queue_store::queue_store(queue_store&&) noexcept = default;
queue_store& queue_store::operator=(queue_store&&) noexcept = default;
queue_store::~queue_store() = default;

const fs::path& queue_store::path() const noexcept { return impl_->path; }

core::expected<queue_store> queue_store::open(const fs::path& path, queue_open_options options) {
  std::error_code ec;
  const bool existed = fs::exists(path, ec);
  if (ec) return core::fail(core::errc::io, "open dock queue " + path.string() + ": " + ec.message());
  if (!existed && !options.create_if_missing)
    return core::fail(core::errc::not_found, "open dock queue " + path.string() + ": no such file");
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX;
  if (options.create_if_missing) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  auto state = std::make_unique<impl>();
  state->db = database_ptr(raw);
  state->path = path;
  if (rc != SQLITE_OK) {
    if (raw == nullptr) return core::fail(core::errc::internal, "open dock queue " + path.string() + ": out of memory");
    return state->fail("open", rc);
  }
  const auto timeout_ms = options.busy_timeout.count();
  if (timeout_ms < 0 || timeout_ms > std::numeric_limits<int>::max())
    return state->fail("configure", core::errc::invalid_argument, "busy timeout out of range");
  if (int r = sqlite3_busy_timeout(raw, static_cast<int>(timeout_ms)); r != SQLITE_OK)
    return state->fail("configure", r);
  if (int r = sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr); r != SQLITE_OK)
    return state->fail("configure", r);
  if (existed)
    if (auto ok = check_integrity(*state); !ok) return std::unexpected(ok.error());
  // Q1: WAL with synchronous=FULL, so COMMIT returns after the WAL is fsynced.
  {
    auto mode = state->prepare("set WAL mode of", "PRAGMA journal_mode = WAL");
    if (!mode) return std::unexpected(mode.error());
    auto row = state->step("set WAL mode of", mode->get());
    if (!row) return std::unexpected(row.error());
    const auto* text = *row ? reinterpret_cast<const char*>(sqlite3_column_text(mode->get(), 0)) : nullptr;
    if (text == nullptr || std::string_view(text) != "wal")
      return state->fail("set WAL mode of", core::errc::io, "journal mode stays " + std::string(text ? text : "?"));
  }
  if (auto ok = state->exec("configure", "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"); !ok)
    return std::unexpected(ok.error());
  if (auto ok = migrate(*state); !ok) return std::unexpected(ok.error());  // Q4
  if (!existed) {
    // The new file's name must survive a power cut too.
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (auto ok = core::fsync_directory(dir); !ok) return std::unexpected(ok.error());
  }
  return queue_store(std::move(state));
}

core::expected<enqueue_result> queue_store::enqueue(const work_item& item, utc_time at) {
  auto& q = *impl_;
  const std::string what = "item " + item.device.str() + " seq " + std::to_string(item.first_seq) + ".." +
                           std::to_string(item.end_seq) + (item.file_name.empty() ? "" : " file " + item.file_name);
  if (item.device.str().empty() || item.first_seq >= item.end_seq ||
      item.first_seq > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
      item.end_seq > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
      item.bytes > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return q.fail("enqueue " + what + " in", core::errc::invalid_argument, "not a valid work item");
  auto tx = write_transaction::begin(q, "enqueue");
  if (!tx) return std::unexpected(tx.error());
  const std::string op = "enqueue " + what + " in";
  auto find = q.prepare(op,
                        "SELECT id, bytes, recorded_ns FROM items "
                        "WHERE device = ?1 AND first_seq = ?2 AND end_seq = ?3 AND file_name = ?4");
  if (!find) return std::unexpected(find.error());
  sqlite3_bind_text(find->get(), 1, item.device.str().c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(find->get(), 2, static_cast<std::int64_t>(item.first_seq));
  sqlite3_bind_int64(find->get(), 3, static_cast<std::int64_t>(item.end_seq));
  sqlite3_bind_text(find->get(), 4, item.file_name.c_str(), -1, SQLITE_TRANSIENT);
  auto row = q.step(op, find->get());
  if (!row) return std::unexpected(row.error());
  if (*row) {  // Q2
    const auto id = static_cast<std::uint64_t>(sqlite3_column_int64(find->get(), 0));
    // The deadline is not compared: it was fixed when the item was first queued, and a later change of
    // deadline_after in the configuration must not make every re-enqueue after a restart fail.
    if (static_cast<std::uint64_t>(sqlite3_column_int64(find->get(), 1)) != item.bytes ||
        sqlite3_column_int64(find->get(), 2) != to_ns(item.recorded_utc))
      return q.fail(op, core::errc::conflict,
                    "already queued as item " + std::to_string(id) + " with a different size or time");
    return enqueue_result{id, false};
  }
  find->reset();
  auto insert = q.prepare(op,
                          "INSERT INTO items (device, first_seq, end_seq, file_name, bytes, recorded_ns, "
                          "deadline_ns, state, enqueued_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8)");
  if (!insert) return std::unexpected(insert.error());
  sqlite3_bind_text(insert->get(), 1, item.device.str().c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(insert->get(), 2, static_cast<std::int64_t>(item.first_seq));
  sqlite3_bind_int64(insert->get(), 3, static_cast<std::int64_t>(item.end_seq));
  sqlite3_bind_text(insert->get(), 4, item.file_name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(insert->get(), 5, static_cast<std::int64_t>(item.bytes));
  sqlite3_bind_int64(insert->get(), 6, to_ns(item.recorded_utc));
  sqlite3_bind_int64(insert->get(), 7, to_ns(item.deadline));
  sqlite3_bind_int64(insert->get(), 8, to_ns(at));
  auto done = q.step(op, insert->get());
  if (!done) return std::unexpected(done.error());
  const auto id = static_cast<std::uint64_t>(sqlite3_last_insert_rowid(q.db.get()));
  insert->reset();
  if (auto ok = tx->commit(what); !ok) return std::unexpected(ok.error());  // Q1
  return enqueue_result{id, true};
}

namespace {

// Q3 as data: for each event, the states it may start from and the state it leads to. A start state equal
// to the target is the idempotent repeat (Q2) and changes nothing.
enum class item_event { start, finish, fail };
struct item_transition {
  item_event event;
  item_state from;
  item_state to;
};
constexpr std::array item_transitions{
    item_transition{item_event::start, item_state::pending, item_state::in_progress},
    item_transition{item_event::start, item_state::in_progress, item_state::in_progress},
    item_transition{item_event::finish, item_state::pending, item_state::done},
    item_transition{item_event::finish, item_state::in_progress, item_state::done},
    item_transition{item_event::finish, item_state::done, item_state::done},
    item_transition{item_event::fail, item_state::in_progress, item_state::pending},
    item_transition{item_event::fail, item_state::pending, item_state::pending},
};

std::string_view event_name(item_event e) {
  switch (e) {
    case item_event::start: return "start";
    case item_event::finish: return "finish";
    case item_event::fail: return "fail";
  }
  return "?";
}

core::status apply_event(queue_store::impl& q, std::uint64_t id, item_event event, utc_time at,
                         std::string_view reason) {
  const std::string op = std::string(event_name(event)) + " item " + std::to_string(id) + " in";
  auto tx = write_transaction::begin(q, op);
  if (!tx) return std::unexpected(tx.error());
  auto find = q.prepare(op, "SELECT state FROM items WHERE id = ?1");
  if (!find) return std::unexpected(find.error());
  sqlite3_bind_int64(find->get(), 1, static_cast<std::int64_t>(id));
  auto row = q.step(op, find->get());
  if (!row) return std::unexpected(row.error());
  if (!*row) return q.fail(op, core::errc::not_found, "no such item");
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(find->get(), 0));
  const std::string from_text = text ? text : "";
  find->reset();
  std::optional<item_state> from;
  for (auto s : {item_state::pending, item_state::in_progress, item_state::done})
    if (to_string(s) == from_text) from = s;
  if (!from) return q.fail(op, core::errc::corrupt, "unknown state '" + from_text + "'");
  const auto* rule = std::find_if(item_transitions.begin(), item_transitions.end(),
                                  [&](const item_transition& t) { return t.event == event && t.from == *from; });
  if (rule == item_transitions.end())
    return q.fail(op, core::errc::conflict,
                  "the item is " + from_text + "; it cannot " + std::string(event_name(event)));
  if (rule->to == *from && event != item_event::fail) return {};  // Q2: the repeat changes nothing
  const char* sql = nullptr;
  switch (event) {
    case item_event::start: sql = "UPDATE items SET state = 'in_progress', started_ns = ?2 WHERE id = ?1"; break;
    case item_event::finish: sql = "UPDATE items SET state = 'done', done_ns = ?2 WHERE id = ?1"; break;
    case item_event::fail:
      sql =
          "UPDATE items SET state = 'pending', attempts = attempts + 1, last_error = ?3, started_ns = ?2 "
          "WHERE id = ?1";
      break;
  }
  auto update = q.prepare(op, sql);
  if (!update) return std::unexpected(update.error());
  sqlite3_bind_int64(update->get(), 1, static_cast<std::int64_t>(id));
  sqlite3_bind_int64(update->get(), 2, to_ns(at));
  if (event == item_event::fail)
    sqlite3_bind_text(update->get(), 3, reason.data(), static_cast<int>(reason.size()), SQLITE_TRANSIENT);
  auto done = q.step(op, update->get());
  if (!done) return std::unexpected(done.error());
  update->reset();
  return tx->commit("item " + std::to_string(id));
}

}  // namespace

core::status queue_store::mark_in_progress(std::uint64_t id, utc_time at) {
  return apply_event(*impl_, id, item_event::start, at, {});
}
core::status queue_store::mark_done(std::uint64_t id, utc_time at) {
  return apply_event(*impl_, id, item_event::finish, at, {});
}
core::status queue_store::mark_failed(std::uint64_t id, utc_time at, std::string_view reason) {
  return apply_event(*impl_, id, item_event::fail, at, reason);
}

core::expected<std::uint64_t> queue_store::requeue_in_progress() {
  auto& q = *impl_;
  auto tx = write_transaction::begin(q, "requeue");
  if (!tx) return std::unexpected(tx.error());
  if (auto ok =
          q.exec("requeue in-progress items of", "UPDATE items SET state = 'pending' WHERE state = 'in_progress'");
      !ok)
    return std::unexpected(ok.error());
  const auto moved = static_cast<std::uint64_t>(sqlite3_changes64(q.db.get()));
  if (auto ok = tx->commit("requeue"); !ok) return std::unexpected(ok.error());
  return moved;
}

core::expected<std::vector<work_item>> queue_store::list_pending() const {
  const auto& q = *impl_;
  const std::string sql = "SELECT " + std::string(item_columns) +
                          " FROM items WHERE state <> 'done' ORDER BY deadline_ns, device, first_seq, file_name";
  auto stmt = q.prepare("list pending items of", sql);
  if (!stmt) return std::unexpected(stmt.error());
  std::vector<work_item> items;
  for (;;) {
    auto row = q.step("list pending items of", stmt->get());
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    auto item = read_item(q, stmt->get());
    if (!item) return std::unexpected(item.error());
    items.push_back(std::move(*item));
  }
  // SQLite orders text with BINARY collation, the same as std::string's operator<; sorting again keeps Q5
  // tied to is_served_before and not to the SQL.
  std::stable_sort(items.begin(), items.end(), is_served_before);
  return items;
}

core::expected<std::optional<work_item>> queue_store::find(std::uint64_t id) const {
  const auto& q = *impl_;
  const std::string op = "find item " + std::to_string(id) + " in";
  auto stmt = q.prepare(op, "SELECT " + std::string(item_columns) + " FROM items WHERE id = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  sqlite3_bind_int64(stmt->get(), 1, static_cast<std::int64_t>(id));
  auto row = q.step(op, stmt->get());
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<work_item>{};
  auto item = read_item(q, stmt->get());
  if (!item) return std::unexpected(item.error());
  return std::optional<work_item>(std::move(*item));
}

core::expected<queue_totals> queue_store::totals() const {
  const auto& q = *impl_;
  auto stmt = q.prepare("count items of",
                        "SELECT state = 'done', count(*), total(bytes), "
                        "total(CASE WHEN file_name = '' THEN end_seq - first_seq ELSE 0 END), total(attempts) "
                        "FROM items GROUP BY state = 'done'");
  if (!stmt) return std::unexpected(stmt.error());
  queue_totals t;
  for (;;) {
    auto row = q.step("count items of", stmt->get());
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const bool done = sqlite3_column_int64(stmt->get(), 0) != 0;
    const auto count = static_cast<std::uint64_t>(sqlite3_column_int64(stmt->get(), 1));
    const auto bytes = static_cast<std::uint64_t>(sqlite3_column_double(stmt->get(), 2));
    const auto records = static_cast<std::uint64_t>(sqlite3_column_double(stmt->get(), 3));
    t.failed_attempts += static_cast<std::uint64_t>(sqlite3_column_double(stmt->get(), 4));
    (done ? t.done_items : t.pending_items) = count;
    (done ? t.done_bytes : t.pending_bytes) = bytes;
    (done ? t.done_records : t.pending_records) = records;
  }
  return t;
}

core::status queue_store::log_alarm(const alarm_event& event) {
  auto& q = *impl_;
  const std::string op = "log alarm of " + event.device.str() + " in";
  auto tx = write_transaction::begin(q, "alarm");
  if (!tx) return std::unexpected(tx.error());
  auto insert = q.prepare(op,
                          "INSERT INTO alarms (at_ns, device, from_state, to_state, deadline_ns, slack_ns, detail) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert) return std::unexpected(insert.error());
  const std::string from{to_string(event.from)};
  const std::string to{to_string(event.to)};
  sqlite3_bind_int64(insert->get(), 1, to_ns(event.at));
  sqlite3_bind_text(insert->get(), 2, event.device.str().c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(insert->get(), 3, from.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(insert->get(), 4, to.c_str(), -1, SQLITE_TRANSIENT);
  if (event.earliest_deadline) sqlite3_bind_int64(insert->get(), 5, to_ns(*event.earliest_deadline));
  if (event.min_slack) sqlite3_bind_int64(insert->get(), 6, event.min_slack->count());
  sqlite3_bind_text(insert->get(), 7, event.detail.c_str(), -1, SQLITE_TRANSIENT);
  auto done = q.step(op, insert->get());
  if (!done) return std::unexpected(done.error());
  insert->reset();
  return tx->commit("alarm of " + event.device.str());
}

core::expected<std::vector<alarm_event>> queue_store::list_alarms(std::size_t limit) const {
  const auto& q = *impl_;
  auto stmt = q.prepare("list alarms of",
                        "SELECT at_ns, device, from_state, to_state, deadline_ns, slack_ns, detail FROM "
                        "(SELECT * FROM alarms ORDER BY id DESC LIMIT ?1) ORDER BY id");
  if (!stmt) return std::unexpected(stmt.error());
  sqlite3_bind_int64(stmt->get(), 1, static_cast<std::int64_t>(std::min<std::size_t>(limit, 1u << 30)));
  std::vector<alarm_event> events;
  for (;;) {
    auto row = q.step("list alarms of", stmt->get());
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    sqlite3_stmt* s = stmt->get();
    alarm_event e;
    e.at = from_ns(sqlite3_column_int64(s, 0));
    const auto* device = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
    auto id = common::record::device_id::parse(device ? device : "");
    if (!id) return q.fail("list alarms of", core::errc::corrupt, id.error().context);
    e.device = *id;
    const auto* from = reinterpret_cast<const char*>(sqlite3_column_text(s, 2));
    const auto* to = reinterpret_cast<const char*>(sqlite3_column_text(s, 3));
    auto from_state = parse_alarm_state(from ? from : "");
    auto to_state = parse_alarm_state(to ? to : "");
    if (!from_state || !to_state) return q.fail("list alarms of", core::errc::corrupt, "unknown alarm state");
    e.from = *from_state;
    e.to = *to_state;
    if (sqlite3_column_type(s, 4) != SQLITE_NULL) e.earliest_deadline = from_ns(sqlite3_column_int64(s, 4));
    if (sqlite3_column_type(s, 5) != SQLITE_NULL) e.min_slack = std::chrono::nanoseconds(sqlite3_column_int64(s, 5));
    const auto* detail = reinterpret_cast<const char*>(sqlite3_column_text(s, 6));
    e.detail = detail ? detail : "";
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace bodycam::ingest::schedule
