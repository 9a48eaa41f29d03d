#include "tools/catalogue/catalogue_rows.hpp"

#include <map>

namespace bodycam::tools::catalogue {

namespace core = common::core;
namespace sqlite = common::sqlite;

namespace {

constexpr const char* row_columns =
    "s.id, s.device, s.session, s.officer, s.unit, s.start_ns, s.end_ns, s.duration_s, s.segments, "
    "s.statements_present, s.statements_silent, s.statements_missing, s.unexplained_gaps, s.late_uploads, "
    "s.time_to_storage_s, s.place, s.party, s.case_number, s.category, s.note_text, s.note_entries";

std::int64_t ns(record::utc_time t) { return t.time_since_epoch().count(); }

bool is_noted(const session_row& row) {
  return !row.text.empty() || !row.case_number.empty() || !row.place.empty() || !row.party.empty();
}

core::status write_fts(sqlite::connection& db, std::int64_t id, const session_row& row) {
  auto del = db.prepare("unindex notes of", "DELETE FROM notes_fts WHERE rowid = ?");
  if (!del) return std::unexpected(del.error());
  del->bind_int(1, id);
  if (auto ok = del->run(); !ok) return ok;
  if (!is_noted(row)) return {};
  auto ins = db.prepare("index notes in",
                        "INSERT INTO notes_fts(rowid, note_text, case_number, place, party) VALUES(?,?,?,?,?)");
  if (!ins) return std::unexpected(ins.error());
  ins->bind_int(1, id);
  ins->bind_text(2, row.text);
  ins->bind_text(3, row.case_number);
  ins->bind_text(4, row.place);
  ins->bind_text(5, row.party);
  return ins->run();
}

}  // namespace

void bind_all(sqlite::statement& stmt, const std::vector<sql_value>& values, int first_index) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int at = first_index + static_cast<int>(i);
    if (values[i].is_text) stmt.bind_text(at, values[i].text);
    else stmt.bind_int(at, values[i].integer);
  }
}

core::status write_session(sqlite::connection& db, const session_row& row) {
  auto ins = db.prepare("write session to",
                        "INSERT INTO sessions(device, session, officer, unit, start_ns, end_ns, duration_s, segments, "
                        "statements_present, statements_silent, statements_missing, unexplained_gaps, late_uploads, "
                        "time_to_storage_s, place, party, case_number, category, note_text, note_entries) "
                        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!ins) return std::unexpected(ins.error());
  ins->bind_text(1, row.device);
  ins->bind_text(2, row.session);
  ins->bind_text(3, row.officer);
  ins->bind_text(4, row.unit);
  ins->bind_int(5, ns(row.start));
  if (row.end) ins->bind_int(6, ns(*row.end));
  else ins->bind_null(6);
  ins->bind_int(7, row.duration.count());
  ins->bind_int(8, row.segments);
  ins->bind_int(9, row.statements_present);
  ins->bind_int(10, row.statements_silent);
  ins->bind_int(11, row.statements_missing);
  ins->bind_int(12, row.unexplained_gaps);
  ins->bind_int(13, row.late_uploads);
  if (row.time_to_storage) ins->bind_int(14, row.time_to_storage->count());
  else ins->bind_null(14);
  ins->bind_text(15, row.place);
  ins->bind_text(16, row.party);
  ins->bind_text(17, row.case_number);
  ins->bind_text(18, row.category);
  ins->bind_text(19, row.text);
  ins->bind_int(20, row.note_entries);
  if (auto ok = ins->run(); !ok) return ok;
  const std::int64_t id = db.last_insert_rowid();
  for (const auto& [reason, count] : row.interruptions) {
    auto gap = db.prepare("write interruptions to", "INSERT INTO interruptions VALUES(?,?,?)");
    if (!gap) return std::unexpected(gap.error());
    gap->bind_int(1, id);
    gap->bind_text(2, reason);
    gap->bind_int(3, count);
    if (auto ok = gap->run(); !ok) return ok;
  }
  for (std::size_t i = 0; i < row.joined.size(); ++i) {
    auto joined = db.prepare("write joined officers to", "INSERT INTO session_officers VALUES(?,?,?)");
    if (!joined) return std::unexpected(joined.error());
    joined->bind_int(1, id);
    joined->bind_int(2, static_cast<std::int64_t>(i));
    joined->bind_text(3, row.joined[i]);
    if (auto ok = joined->run(); !ok) return ok;
  }
  return is_noted(row) ? write_fts(db, id, row) : core::status{};
}

core::status delete_device(sqlite::connection& db, const std::string& device) {
  for (const char* sql : {"DELETE FROM notes_fts WHERE rowid IN (SELECT id FROM sessions WHERE device = ?)",
                          "DELETE FROM sessions WHERE device = ?"}) {
    auto stmt = db.prepare("remove device rows from", sql);
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind_text(1, device);
    if (auto ok = stmt->run(); !ok) return ok;
  }
  return {};
}

core::expected<bool> write_notes(sqlite::connection& db, const session_row& row) {
  auto find = db.prepare("find session in", "SELECT id FROM sessions WHERE device = ? AND session = ?");
  if (!find) return std::unexpected(find.error());
  find->bind_text(1, row.device);
  find->bind_text(2, row.session);
  auto found = find->step();
  if (!found) return std::unexpected(found.error());
  if (!*found) return false;
  const std::int64_t id = find->column_int(0);
  auto upd = db.prepare("write notes to",
                        "UPDATE sessions SET place = ?, party = ?, case_number = ?, category = ?, note_text = ?, "
                        "note_entries = ? WHERE id = ?");
  if (!upd) return std::unexpected(upd.error());
  upd->bind_text(1, row.place);
  upd->bind_text(2, row.party);
  upd->bind_text(3, row.case_number);
  upd->bind_text(4, row.category);
  upd->bind_text(5, row.text);
  upd->bind_int(6, row.note_entries);
  upd->bind_int(7, id);
  if (auto ok = upd->run(); !ok) return std::unexpected(ok.error());
  if (auto ok = write_fts(db, id, row); !ok) return std::unexpected(ok.error());
  return true;
}

core::expected<std::vector<session_row>> select_rows(const sqlite::connection& db, const std::string& tail,
                                                     const std::vector<sql_value>& binds,
                                                     const std::vector<std::int64_t>& extra) {
  auto stmt = db.prepare("search", std::string("SELECT ") + row_columns + " FROM sessions s " + tail);
  if (!stmt) return std::unexpected(stmt.error());
  bind_all(*stmt, binds, 1);
  for (std::size_t i = 0; i < extra.size(); ++i) stmt->bind_int(static_cast<int>(binds.size() + i + 1), extra[i]);
  std::vector<session_row> out;
  std::map<std::int64_t, std::size_t> by_id;
  for (;;) {
    auto more = stmt->step();
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    session_row r;
    const auto t = [&](int i) { return record::utc_time(std::chrono::nanoseconds(stmt->column_int(i))); };
    const auto u32 = [&](int i) { return static_cast<std::uint32_t>(stmt->column_int(i)); };
    r.device = stmt->column_text(1);
    r.session = stmt->column_text(2);
    r.officer = stmt->column_text(3);
    r.unit = stmt->column_text(4);
    r.start = t(5);
    if (!stmt->column_is_null(6)) r.end = t(6);
    r.duration = std::chrono::seconds(stmt->column_int(7));
    r.segments = u32(8);
    r.statements_present = u32(9);
    r.statements_silent = u32(10);
    r.statements_missing = u32(11);
    r.unexplained_gaps = u32(12);
    r.late_uploads = u32(13);
    if (!stmt->column_is_null(14)) r.time_to_storage = std::chrono::seconds(stmt->column_int(14));
    r.place = stmt->column_text(15);
    r.party = stmt->column_text(16);
    r.case_number = stmt->column_text(17);
    r.category = stmt->column_text(18);
    r.text = stmt->column_text(19);
    r.note_entries = u32(20);
    by_id[stmt->column_int(0)] = out.size();
    out.push_back(std::move(r));
  }
  if (out.empty()) return out;
  // Interruptions of the rows read: one query over the ids, in chunks below SQLite's parameter limit.
  std::vector<std::int64_t> ids;
  for (const auto& [id, index] : by_id) ids.push_back(id);
  for (std::size_t start = 0; start < ids.size(); start += 500) {
    const std::size_t n = std::min<std::size_t>(500, ids.size() - start);
    std::string sql = "SELECT session_id, reason, count FROM interruptions WHERE session_id IN (";
    for (std::size_t i = 0; i < n; ++i) sql += i == 0 ? "?" : ",?";
    sql += ")";
    auto gaps = db.prepare("read interruptions of", sql);
    if (!gaps) return std::unexpected(gaps.error());
    for (std::size_t i = 0; i < n; ++i) gaps->bind_int(static_cast<int>(i + 1), ids[start + i]);
    for (;;) {
      auto more = gaps->step();
      if (!more) return std::unexpected(more.error());
      if (!*more) break;
      out[by_id.at(gaps->column_int(0))].interruptions[gaps->column_text(1)] =
          static_cast<std::uint32_t>(gaps->column_int(2));
    }
    std::string officers_sql = "SELECT session_id, officer FROM session_officers WHERE session_id IN (";
    for (std::size_t i = 0; i < n; ++i) officers_sql += i == 0 ? "?" : ",?";
    officers_sql += ") ORDER BY session_id, position";
    auto joined = db.prepare("read joined officers of", officers_sql);
    if (!joined) return std::unexpected(joined.error());
    for (std::size_t i = 0; i < n; ++i) joined->bind_int(static_cast<int>(i + 1), ids[start + i]);
    for (;;) {
      auto more = joined->step();
      if (!more) return std::unexpected(more.error());
      if (!*more) break;
      out[by_id.at(joined->column_int(0))].joined.push_back(joined->column_text(1));
    }
  }
  return out;
}

}  // namespace bodycam::tools::catalogue
