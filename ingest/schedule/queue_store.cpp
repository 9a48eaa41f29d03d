// The dock's queue in SQLite (guarantees Q1-Q5 in queue_store.hpp), on common/sqlite: the file is opened,
// checked and migrated by sqlite::open_database, and every mutation is one sqlite::transaction (IMMEDIATE,
// explicit commit, rollback in the destructor otherwise).
#include "ingest/schedule/queue_store.hpp"

#include "common/sqlite/database.hpp"
#include "common/sqlite/transaction.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

namespace bodycam::ingest::schedule {

namespace core = common::core;
namespace fs = std::filesystem;
namespace sqlite = common::sqlite;

namespace {

constexpr std::int32_t application_id = 0x42434451;  // "BCDQ"

// Numbered migrations (STYLE 14); open() applies the missing ones in one transaction.
constexpr std::array migrations{
    sqlite::migration{1, "initial schema: items, alarms", R"sql(
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

constexpr sqlite::schema queue_schema{"dock queue", application_id, migrations};

}  // namespace

struct queue_store::impl {
  std::unique_ptr<sqlite::connection> db;
};

namespace {

constexpr std::string_view item_columns =
    "id, device, first_seq, end_seq, file_name, bytes, recorded_ns, deadline_ns, state, attempts";

core::expected<work_item> read_item(const sqlite::connection& db, const sqlite::statement& row) {
  work_item item;
  item.id = static_cast<std::uint64_t>(row.column_int(0));
  const std::string operation = "read item " + std::to_string(item.id) + " of";
  auto device = common::record::device_id::parse(row.column_text(1));
  if (!device) return db.fail(operation, core::errc::corrupt, device.error().context);
  item.device = *device;
  item.first_seq = static_cast<std::uint64_t>(row.column_int(2));
  item.end_seq = static_cast<std::uint64_t>(row.column_int(3));
  item.file_name = row.column_text(4);
  item.bytes = static_cast<std::uint64_t>(row.column_int(5));
  item.recorded_utc = from_ns(row.column_int(6));
  item.deadline = from_ns(row.column_int(7));
  const std::string state = row.column_text(8);
  if (state == "pending")
    item.state = item_state::pending;
  else if (state == "in_progress")
    item.state = item_state::in_progress;
  else if (state == "done")
    item.state = item_state::done;
  else
    return db.fail(operation, core::errc::corrupt, "unknown state");
  item.attempts = static_cast<std::uint32_t>(row.column_int(9));
  return item;
}

}  // namespace

queue_store::queue_store(std::unique_ptr<impl> state) noexcept : impl_(std::move(state)) {}
queue_store::queue_store(queue_store&&) noexcept = default;
queue_store& queue_store::operator=(queue_store&&) noexcept = default;
queue_store::~queue_store() = default;

const fs::path& queue_store::path() const noexcept { return impl_->db->path(); }

core::expected<queue_store> queue_store::open(const fs::path& path, queue_open_options options) {
  // Q1: WAL with synchronous=FULL, so COMMIT returns after the WAL is fsynced. Q4: identified by
  // application_id, quick_check, missing migrations applied in one transaction.
  sqlite::open_options sqlite_options;
  sqlite_options.create_if_missing = options.create_if_missing;
  sqlite_options.busy_timeout = options.busy_timeout;
  sqlite_options.journal = sqlite::journal_mode::wal;
  auto db = sqlite::open_database(path, queue_schema, sqlite_options);
  if (!db) return std::unexpected(db.error());
  return queue_store(std::make_unique<impl>(impl{std::move(*db)}));
}

core::expected<enqueue_result> queue_store::enqueue(const work_item& item, utc_time at) {
  auto& db = *impl_->db;
  const std::string device = item.device.str();
  const std::string what = "item " + device + " seq " + std::to_string(item.first_seq) + ".." +
                           std::to_string(item.end_seq) + (item.file_name.empty() ? "" : " file " + item.file_name);
  const std::string op = "enqueue " + what + " in";
  if (device.empty() || item.first_seq >= item.end_seq ||
      item.first_seq > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
      item.end_seq > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
      item.bytes > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return db.fail(op, core::errc::invalid_argument, "not a valid work item");
  auto tx = sqlite::transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  {
    auto find = db.prepare(op,
                           "SELECT id, bytes, recorded_ns FROM items "
                           "WHERE device = ?1 AND first_seq = ?2 AND end_seq = ?3 AND file_name = ?4");
    if (!find) return std::unexpected(find.error());
    find->bind_text(1, device);
    find->bind_int(2, static_cast<std::int64_t>(item.first_seq));
    find->bind_int(3, static_cast<std::int64_t>(item.end_seq));
    find->bind_text(4, item.file_name);
    auto row = find->step();
    if (!row) return std::unexpected(row.error());
    if (*row) {  // Q2
      const auto id = static_cast<std::uint64_t>(find->column_int(0));
      // The deadline is not compared: it was fixed when the item was first queued, and a later change of
      // deadline_after in the configuration must not make every re-enqueue after a restart fail.
      if (static_cast<std::uint64_t>(find->column_int(1)) != item.bytes ||
          find->column_int(2) != to_ns(item.recorded_utc))
        return db.fail(op, core::errc::conflict,
                       "already queued as item " + std::to_string(id) + " with a different size or time");
      return enqueue_result{id, false};
    }
  }
  auto insert = db.prepare(op,
                           "INSERT INTO items (device, first_seq, end_seq, file_name, bytes, recorded_ns, "
                           "deadline_ns, state, enqueued_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8)");
  if (!insert) return std::unexpected(insert.error());
  insert->bind_text(1, device);
  insert->bind_int(2, static_cast<std::int64_t>(item.first_seq));
  insert->bind_int(3, static_cast<std::int64_t>(item.end_seq));
  insert->bind_text(4, item.file_name);
  insert->bind_int(5, static_cast<std::int64_t>(item.bytes));
  insert->bind_int(6, to_ns(item.recorded_utc));
  insert->bind_int(7, to_ns(item.deadline));
  insert->bind_int(8, to_ns(at));
  if (auto ok = insert->run(); !ok) return std::unexpected(ok.error());
  const auto id = static_cast<std::uint64_t>(db.last_insert_rowid());
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

core::status apply_event(sqlite::connection& db, std::uint64_t id, item_event event, utc_time at,
                         std::string_view reason) {
  const std::string op = std::string(event_name(event)) + " item " + std::to_string(id) + " in";
  auto tx = sqlite::transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  std::string from_text;
  {
    auto find = db.prepare(op, "SELECT state FROM items WHERE id = ?1");
    if (!find) return std::unexpected(find.error());
    find->bind_int(1, static_cast<std::int64_t>(id));
    auto row = find->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return db.fail(op, core::errc::not_found, "no such item");
    from_text = find->column_text(0);
  }
  std::optional<item_state> from;
  for (auto s : {item_state::pending, item_state::in_progress, item_state::done})
    if (to_string(s) == from_text) from = s;
  if (!from) return db.fail(op, core::errc::corrupt, "unknown state '" + from_text + "'");
  const auto* rule = std::find_if(item_transitions.begin(), item_transitions.end(),
                                  [&](const item_transition& t) { return t.event == event && t.from == *from; });
  if (rule == item_transitions.end())
    return db.fail(op, core::errc::conflict,
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
  auto update = db.prepare(op, sql);
  if (!update) return std::unexpected(update.error());
  update->bind_int(1, static_cast<std::int64_t>(id));
  update->bind_int(2, to_ns(at));
  if (event == item_event::fail) update->bind_text(3, reason);
  if (auto ok = update->run(); !ok) return ok;
  update->reset();
  return tx->commit("item " + std::to_string(id));
}

}  // namespace

core::status queue_store::mark_in_progress(std::uint64_t id, utc_time at) {
  return apply_event(*impl_->db, id, item_event::start, at, {});
}
core::status queue_store::mark_done(std::uint64_t id, utc_time at) {
  return apply_event(*impl_->db, id, item_event::finish, at, {});
}
core::status queue_store::mark_failed(std::uint64_t id, utc_time at, std::string_view reason) {
  return apply_event(*impl_->db, id, item_event::fail, at, reason);
}

core::expected<std::uint64_t> queue_store::requeue_in_progress() {
  auto& db = *impl_->db;
  auto tx = sqlite::transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  if (auto ok =
          db.exec("requeue in-progress items of", "UPDATE items SET state = 'pending' WHERE state = 'in_progress'");
      !ok)
    return std::unexpected(ok.error());
  const auto moved = static_cast<std::uint64_t>(db.changes());
  if (auto ok = tx->commit("requeue"); !ok) return std::unexpected(ok.error());
  return moved;
}

core::expected<std::vector<work_item>> queue_store::list_pending() const {
  const auto& db = *impl_->db;
  const std::string op = "list pending items of";
  const std::string sql = "SELECT " + std::string(item_columns) +
                          " FROM items WHERE state <> 'done' ORDER BY deadline_ns, device, first_seq, file_name";
  auto stmt = db.prepare(op, sql);
  if (!stmt) return std::unexpected(stmt.error());
  std::vector<work_item> items;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    auto item = read_item(db, *stmt);
    if (!item) return std::unexpected(item.error());
    items.push_back(std::move(*item));
  }
  // SQLite orders text with BINARY collation, the same as std::string's operator<; sorting again keeps Q5
  // tied to is_served_before and not to the SQL.
  std::stable_sort(items.begin(), items.end(), is_served_before);
  return items;
}

core::expected<std::optional<work_item>> queue_store::find(std::uint64_t id) const {
  const auto& db = *impl_->db;
  const std::string op = "find item " + std::to_string(id) + " in";
  auto stmt = db.prepare(op, "SELECT " + std::string(item_columns) + " FROM items WHERE id = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_int(1, static_cast<std::int64_t>(id));
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<work_item>{};
  auto item = read_item(db, *stmt);
  if (!item) return std::unexpected(item.error());
  return std::optional<work_item>(std::move(*item));
}

core::expected<queue_totals> queue_store::totals() const {
  const auto& db = *impl_->db;
  auto stmt = db.prepare("count items of",
                         "SELECT state = 'done', count(*), total(bytes), "
                         "total(CASE WHEN file_name = '' THEN end_seq - first_seq ELSE 0 END), total(attempts) "
                         "FROM items GROUP BY state = 'done'");
  if (!stmt) return std::unexpected(stmt.error());
  queue_totals t;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const bool done = stmt->column_int(0) != 0;
    const auto count = static_cast<std::uint64_t>(stmt->column_int(1));
    const auto bytes = static_cast<std::uint64_t>(stmt->column_double(2));
    const auto records = static_cast<std::uint64_t>(stmt->column_double(3));
    t.failed_attempts += static_cast<std::uint64_t>(stmt->column_double(4));
    (done ? t.done_items : t.pending_items) = count;
    (done ? t.done_bytes : t.pending_bytes) = bytes;
    (done ? t.done_records : t.pending_records) = records;
  }
  return t;
}

core::status queue_store::log_alarm(const alarm_event& event) {
  auto& db = *impl_->db;
  const std::string device = event.device.str();
  const std::string op = "log alarm of " + device + " in";
  auto tx = sqlite::transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  auto insert = db.prepare(op,
                           "INSERT INTO alarms (at_ns, device, from_state, to_state, deadline_ns, slack_ns, detail) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert) return std::unexpected(insert.error());
  insert->bind_int(1, to_ns(event.at));
  insert->bind_text(2, device);
  insert->bind_text(3, to_string(event.from));
  insert->bind_text(4, to_string(event.to));
  if (event.earliest_deadline) insert->bind_int(5, to_ns(*event.earliest_deadline));
  if (event.min_slack) insert->bind_int(6, event.min_slack->count());
  insert->bind_text(7, event.detail);
  if (auto ok = insert->run(); !ok) return ok;
  insert->reset();
  return tx->commit("alarm of " + device);
}

core::expected<std::vector<alarm_event>> queue_store::list_alarms(std::size_t limit) const {
  const auto& db = *impl_->db;
  const std::string op = "list alarms of";
  auto stmt = db.prepare(op,
                         "SELECT at_ns, device, from_state, to_state, deadline_ns, slack_ns, detail FROM "
                         "(SELECT * FROM alarms ORDER BY id DESC LIMIT ?1) ORDER BY id");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind_int(1, static_cast<std::int64_t>(std::min<std::size_t>(limit, 1u << 30)));
  std::vector<alarm_event> events;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    alarm_event e;
    e.at = from_ns(stmt->column_int(0));
    auto id = common::record::device_id::parse(stmt->column_text(1));
    if (!id) return db.fail(op, core::errc::corrupt, id.error().context);
    e.device = *id;
    auto from_state = parse_alarm_state(stmt->column_text(2));
    auto to_state = parse_alarm_state(stmt->column_text(3));
    if (!from_state || !to_state) return db.fail(op, core::errc::corrupt, "unknown alarm state");
    e.from = *from_state;
    e.to = *to_state;
    if (!stmt->column_is_null(4)) e.earliest_deadline = from_ns(stmt->column_int(4));
    if (!stmt->column_is_null(5)) e.min_slack = std::chrono::nanoseconds(stmt->column_int(5));
    e.detail = stmt->column_text(6);
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace bodycam::ingest::schedule
