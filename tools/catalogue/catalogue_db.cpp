// The catalogue file: schema, opening (K1), writing rows (K4) and searching (Q1-Q3), on common/sqlite. The
// refresh from a store is in catalogue_refresh.cpp.
#include "tools/catalogue/catalogue_db.hpp"

#include "common/sqlite/database.hpp"
#include "common/sqlite/transaction.hpp"
#include "tools/catalogue/catalogue_rows.hpp"

#include <array>
#include <system_error>

namespace bodycam::tools::catalogue {

namespace fs = std::filesystem;
namespace sqlite = common::sqlite;

namespace {

constexpr const char* schema_v1 = R"sql(
CREATE TABLE catalogue_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sessions(id INTEGER PRIMARY KEY, device TEXT NOT NULL, session TEXT NOT NULL, officer TEXT NOT NULL,
  unit TEXT NOT NULL, start_ns INTEGER NOT NULL, end_ns INTEGER, duration_s INTEGER NOT NULL, segments INTEGER NOT NULL,
  statements_present INTEGER NOT NULL, statements_silent INTEGER NOT NULL, statements_missing INTEGER NOT NULL,
  unexplained_gaps INTEGER NOT NULL, late_uploads INTEGER NOT NULL, time_to_storage_s INTEGER,
  place TEXT NOT NULL DEFAULT '', party TEXT NOT NULL DEFAULT '', case_number TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '', note_text TEXT NOT NULL DEFAULT '', note_entries INTEGER NOT NULL DEFAULT 0,
  UNIQUE(device, session));
CREATE INDEX sessions_by_start ON sessions(start_ns);
CREATE INDEX sessions_by_officer ON sessions(officer, start_ns);
CREATE INDEX sessions_by_device ON sessions(device, start_ns);
CREATE INDEX sessions_by_unit ON sessions(unit, start_ns);
CREATE INDEX sessions_by_case ON sessions(case_number);
CREATE INDEX sessions_by_category ON sessions(category, start_ns);
CREATE TABLE interruptions(session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  reason TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY(session_id, reason));
CREATE TABLE exports(device TEXT NOT NULL, session TEXT NOT NULL, utc_ns INTEGER NOT NULL, clerk TEXT NOT NULL,
  reference TEXT NOT NULL, from_ns INTEGER NOT NULL, to_ns INTEGER NOT NULL);
CREATE TABLE sources(kind TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY(kind, name));
CREATE VIRTUAL TABLE notes_fts USING fts5(note_text, case_number, place, party,
  tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO catalogue_meta VALUES('format', 'bodycam-console-catalogue');
)sql";

// The officers who joined a session; the sources are forgotten so the next refresh re-derives every device's rows
// and fills the table.
constexpr const char* schema_v2 = R"sql(
CREATE TABLE session_officers(session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, officer TEXT NOT NULL, PRIMARY KEY(session_id, position));
CREATE INDEX session_officers_by_officer ON session_officers(officer, session_id);
DELETE FROM sources;
)sql";

constexpr std::array migrations{sqlite::migration{1, "sessions, notes, FTS5 index, exports", schema_v1},
                                sqlite::migration{2, "officers who joined a session", schema_v2}};
constexpr sqlite::schema catalogue_schema{"console catalogue", catalogue_application_id, migrations};

bool is_refusal(core::errc code) {
  return code == core::errc::malformed || code == core::errc::corrupt || code == core::errc::unsupported;
}

core::expected<fs::path> move_aside(const fs::path& path) {
  for (int n = 1; n < 1000; ++n) {
    fs::path target = path;
    target += ".rejected." + std::to_string(n);
    std::error_code ec;
    if (fs::exists(target, ec)) continue;
    fs::rename(path, target, ec);
    if (ec) return core::fail(core::errc::io, "move refused console catalogue " + path.string() + " aside: " + ec.message());
    for (const char* suffix : {"-wal", "-shm"}) {  // SQLite's side files of the refused file go with it
      fs::path side = path;
      side += suffix;
      fs::path side_target = target;
      side_target += suffix;
      if (fs::exists(side, ec)) fs::rename(side, side_target, ec);
    }
    return target;
  }
  return core::fail(core::errc::conflict, "move refused console catalogue " + path.string() + " aside: too many");
}

}  // namespace

core::expected<catalogue_db> catalogue_db::open(const fs::path& path, open_report* report) {
  sqlite::open_options options;
  options.create_if_missing = true;
  auto db = sqlite::open_database(path, catalogue_schema, options, [](sqlite::connection& c, const sqlite::identity&) {
    auto format = c.prepare("check format of", "SELECT value FROM catalogue_meta WHERE key = 'format'");
    if (!format) return core::status(std::unexpected(format.error()));
    auto row = format->step();
    if (!row) return core::status(std::unexpected(row.error()));
    if (!*row || format->column_text(0) != "bodycam-console-catalogue")
      return core::status(c.fail("check format of", core::errc::corrupt, "no catalogue_meta format row"));
    return core::status{};
  });
  if (db) return catalogue_db(std::move(*db));
  if (!is_refusal(db.error().code)) return std::unexpected(db.error());
  auto moved = move_aside(path);  // K1
  if (!moved) return std::unexpected(moved.error());
  if (report != nullptr) *report = {*moved, db.error().context};
  auto fresh = sqlite::open_database(path, catalogue_schema, options);
  if (!fresh) return std::unexpected(fresh.error());
  return catalogue_db(std::move(*fresh));
}

core::status catalogue_db::insert_rows(const std::vector<session_row>& rows) {
  auto tx = sqlite::transaction::begin(*db_);
  if (!tx) return std::unexpected(tx.error());
  for (const auto& row : rows)
    if (auto ok = write_session(*db_, row); !ok) return ok;
  return tx->commit("insert " + std::to_string(rows.size()) + " sessions");
}

core::expected<std::uint64_t> catalogue_db::session_count() const {
  auto n = db_->read_integer("count sessions in", "SELECT count(*) FROM sessions");
  if (!n) return std::unexpected(n.error());
  return static_cast<std::uint64_t>(*n);
}

core::expected<search_page> catalogue_db::search(const search_query& q) const {
  if (q.limit == 0 || q.limit > 1000)
    return core::fail(core::errc::invalid_argument, "search console catalogue: limit must be 1..1000");
  const auto where = build_where(q);
  search_page page;
  auto count = db_->prepare("search", "SELECT count(*) FROM sessions s " + where.sql);
  if (!count) return std::unexpected(count.error());
  bind_all(*count, where.binds, 1);
  auto counted = count->step();
  if (!counted) return std::unexpected(counted.error());
  page.total = static_cast<std::uint64_t>(count->column_int(0));
  auto rows = select_rows(*db_, where.sql + " ORDER BY s.start_ns, s.id LIMIT ? OFFSET ?", where.binds,
                          {static_cast<std::int64_t>(q.limit), static_cast<std::int64_t>(q.offset)});
  if (!rows) return std::unexpected(rows.error());
  page.rows = std::move(*rows);
  return page;
}

core::expected<std::vector<session_row>> catalogue_db::rows(std::optional<record::utc_time> from,
                                                            std::optional<record::utc_time> to) const {
  search_query q;
  q.from = from;
  q.to = to;
  const auto where = build_where(q);
  return select_rows(*db_, where.sql + " ORDER BY s.start_ns, s.id", where.binds, {});
}

core::expected<std::vector<export_row>> catalogue_db::exports() const {
  auto stmt = db_->prepare("read exports of",
                           "SELECT device, session, utc_ns, clerk, reference, from_ns, to_ns FROM exports ORDER BY utc_ns");
  if (!stmt) return std::unexpected(stmt.error());
  std::vector<export_row> out;
  for (;;) {
    auto more = stmt->step();
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    export_row e;
    e.device = stmt->column_text(0);
    e.session = stmt->column_text(1);
    e.utc = record::utc_time(std::chrono::nanoseconds(stmt->column_int(2)));
    e.clerk = stmt->column_text(3);
    e.reference = stmt->column_text(4);
    e.from = record::utc_time(std::chrono::nanoseconds(stmt->column_int(5)));
    e.to = record::utc_time(std::chrono::nanoseconds(stmt->column_int(6)));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace bodycam::tools::catalogue
