#include "tools/audit/catalogue.hpp"

#include "common/ledger/sqlite_handles.hpp"
#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"
#include "common/record/record_json.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <memory>
#include <variant>

namespace bodycam::tools::audit {

namespace core = common::core;
namespace fs = std::filesystem;

namespace {

using database_ptr = common::ledger::sqlite_database_ptr;
using statement_ptr = common::ledger::sqlite_statement_ptr;

constexpr const char* schema = R"sql(
CREATE TABLE catalogue_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE devices(device TEXT PRIMARY KEY, key_fingerprint TEXT, verdict TEXT NOT NULL, records INTEGER NOT NULL,
  late_segments INTEGER NOT NULL);
CREATE TABLE sessions(device TEXT NOT NULL, session TEXT NOT NULL, officer_id TEXT, first_seq INTEGER, last_seq INTEGER,
  start_utc TEXT, stop_utc TEXT, stop_reason TEXT, notes TEXT, PRIMARY KEY(device, session));
CREATE TABLE segments(device TEXT NOT NULL, seq INTEGER NOT NULL, session TEXT NOT NULL, file_name TEXT, sha256 TEXT,
  byte_length INTEGER, state TEXT, recorded_utc TEXT, stored_utc TEXT, upload_delay_s REAL, late INTEGER,
  PRIMARY KEY(device, seq));
CREATE TABLE annotations(device TEXT NOT NULL, seq INTEGER NOT NULL, session TEXT NOT NULL, purpose TEXT, status TEXT,
  speech_present INTEGER, sha256 TEXT, state TEXT, PRIMARY KEY(device, seq));
CREATE TABLE interruptions(device TEXT NOT NULL, seq INTEGER NOT NULL, session TEXT, reason TEXT, from_utc TEXT,
  to_utc TEXT, detail TEXT, resume_statement INTEGER, PRIMARY KEY(device, seq));
CREATE TABLE receipts(name TEXT PRIMARY KEY, device TEXT, issuer TEXT, first_seq INTEGER, end_seq INTEGER,
  stored_utc TEXT, signature_ok INTEGER, problem TEXT);
CREATE TABLE register_entries(register TEXT NOT NULL, name TEXT NOT NULL, kind TEXT, clerk TEXT, utc TEXT,
  department TEXT, reference TEXT, action TEXT, scopes INTEGER, objects INTEGER, PRIMARY KEY(register, name));
)sql";

class writer {
 public:
  writer(sqlite3* db, std::string what) : db_(db), what_(std::move(what)) {}

  core::status exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : "unknown error";
      sqlite3_free(message);
      return core::fail(core::errc::io, "write catalogue " + what_ + ": " + text);
    }
    return {};
  }

  // Inserts one row; values are text, integers or null (std::monostate).
  using value = std::variant<std::monostate, std::string, std::int64_t, double>;
  core::status insert(const char* sql, const std::vector<value>& values) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr) != SQLITE_OK) return fail();
    statement_ptr stmt(raw);
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int at = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      if (const auto* s = std::get_if<std::string>(&values[i]))
        rc = sqlite3_bind_text(raw, at, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      else if (const auto* n = std::get_if<std::int64_t>(&values[i]))
        rc = sqlite3_bind_int64(raw, at, *n);
      else if (const auto* d = std::get_if<double>(&values[i]))
        rc = sqlite3_bind_double(raw, at, *d);
      else
        rc = sqlite3_bind_null(raw, at);
      if (rc != SQLITE_OK) return fail();
    }
    if (sqlite3_step(raw) != SQLITE_DONE) return fail();
    return {};
  }

 private:
  std::unexpected<core::error> fail() const {
    return core::fail(core::errc::io, "write catalogue " + what_ + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  std::string what_;
};

std::string utc(common::record::utc_time t) { return common::record::format_utc(t); }
std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }

core::status fill(writer& w, const audit_report& report) {
  if (auto ok = w.exec(schema); !ok) return ok;
  if (auto ok = w.exec("BEGIN"); !ok) return ok;
  using v = writer::value;
  if (auto ok = w.insert(
          "INSERT INTO catalogue_meta VALUES('format',?),('version',?),('store',?),('generated_utc',?)",
          {std::string(catalogue_format), std::to_string(catalogue_version), report.store, utc(report.generated_utc)});
      !ok)
    return ok;
  for (const auto& d : report.devices) {
    const std::string dev = d.device.str();
    if (auto ok = w.insert("INSERT INTO devices VALUES(?,?,?,?,?)",
                           {dev, d.key ? v(d.key->fingerprint().to_hex()) : v(),
                            std::string(chain::to_string(d.verdict)), i64(d.chain.records.size()), i64(d.late_count)});
        !ok)
      return ok;
    for (const auto& s : d.sessions) {
      std::string notes;
      for (const auto& n : s.notes) notes += (notes.empty() ? "" : "; ") + n;
      const std::string session = s.session.to_hex();
      if (auto ok = w.insert("INSERT INTO sessions VALUES(?,?,?,?,?,?,?,?,?)",
                             {dev, session, s.officer_id, i64(s.first_seq), i64(s.last_seq), utc(s.start_utc),
                              s.stop_utc ? v(utc(*s.stop_utc)) : v(),
                              s.stop_reason ? v(std::string(common::record::to_string(*s.stop_reason))) : v(), notes});
          !ok)
        return ok;
      for (const auto& o : s.segments)
        if (auto ok = w.insert(
                "INSERT INTO segments VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                {dev, i64(o.seq), session, o.file_name, o.sha256.to_hex(), i64(o.byte_length),
                 std::string(to_string(o.state)), utc(o.recorded_utc), o.stored_utc ? v(utc(*o.stored_utc)) : v(),
                 o.upload_delay ? v(std::chrono::duration<double>(*o.upload_delay).count()) : v(),
                 std::int64_t{o.late ? 1 : 0}});
            !ok)
          return ok;
      for (const auto& st : s.statements)
        if (auto ok =
                w.insert("INSERT INTO annotations VALUES(?,?,?,?,?,?,?,?)",
                         {dev, i64(st.seq), session, std::string(common::record::to_string(st.purpose)),
                          std::string(common::record::to_string(st.status)), std::int64_t{st.speech_present ? 1 : 0},
                          st.file.sha256.to_hex(), std::string(to_string(st.file.state))});
            !ok)
          return ok;
      for (const auto& g : s.gaps)
        if (auto ok = w.insert("INSERT INTO interruptions VALUES(?,?,?,?,?,?,?,?)",
                               {dev, i64(g.seq), session, std::string(common::record::to_string(g.reason)), utc(g.from),
                                utc(g.to), g.detail, std::int64_t{g.resume_statement ? 1 : 0}});
            !ok)
          return ok;
    }
    for (const auto& g : d.idle_gaps)
      if (auto ok = w.insert("INSERT INTO interruptions VALUES(?,?,?,?,?,?,?,?)",
                             {dev, i64(g.seq), v(), std::string(common::record::to_string(g.reason)), utc(g.from),
                              utc(g.to), g.detail, std::int64_t{0}});
          !ok)
        return ok;
    for (const auto& r : d.receipts)
      if (auto ok = w.insert("INSERT INTO receipts VALUES(?,?,?,?,?,?,?,?)",
                             {r.name, dev, r.issuer, i64(r.first_seq), i64(r.end_seq), utc(r.stored_utc),
                              std::int64_t{r.signature_ok ? 1 : 0}, r.problem});
          !ok)
        return ok;
  }
  for (const auto* book :
       {report.access ? &*report.access : nullptr, report.retention ? &*report.retention : nullptr}) {
    if (!book) continue;
    for (const auto& c : book->clerks)
      for (const auto& e : c.entries)
        if (auto ok = w.insert(
                "INSERT INTO register_entries VALUES(?,?,?,?,?,?,?,?,?,?)",
                {std::string(common::store::to_string(book->ns)), registers::entry_name(e.body),
                 std::string(registers::to_string(e.body.kind)), e.body.clerk, utc(e.body.utc), e.body.department,
                 e.body.reference, e.body.action, i64(e.body.scopes.size()), i64(e.body.objects.size())});
            !ok)
          return ok;
  }
  return w.exec("COMMIT");
}

}  // namespace

core::status check_catalogue(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return core::fail(core::errc::not_found, "catalogue " + path.string() + ": absent");
  const std::string refuse = "catalogue " + path.string() +
                             " is not a bodycam catalogue or is corrupt; it was not overwritten (move it away, or "
                             "choose another --catalogue): ";
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  database_ptr db(raw);
  if (rc != SQLITE_OK) return core::fail(core::errc::corrupt, refuse + (raw ? sqlite3_errmsg(raw) : "cannot open"));
  sqlite3_stmt* stmt_raw = nullptr;
  if (sqlite3_prepare_v2(raw, "SELECT value FROM catalogue_meta WHERE key='format'", -1, &stmt_raw, nullptr) !=
      SQLITE_OK)
    return core::fail(core::errc::corrupt, refuse + sqlite3_errmsg(raw));
  statement_ptr stmt(stmt_raw);
  if (sqlite3_step(stmt_raw) != SQLITE_ROW) return core::fail(core::errc::corrupt, refuse + "no format row");
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_raw, 0));
  if (!text || std::string_view(text) != catalogue_format)
    return core::fail(core::errc::corrupt, refuse + "format is not " + std::string(catalogue_format));
  return {};
}

core::status write_catalogue(const fs::path& path, const audit_report& report) {
  // Invariant 2.
  if (auto ok = check_catalogue(path); !ok && ok.error().code != core::errc::not_found) return ok;
  const fs::path temp = path.parent_path() / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove(temp, ec);
  {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(temp.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    database_ptr db(raw);
    if (rc != SQLITE_OK)
      return core::fail(core::errc::io,
                        "create catalogue " + temp.string() + ": " + (raw ? sqlite3_errmsg(raw) : "cannot open"));
    writer w(raw, temp.string());
    if (auto ok = w.exec("PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"); !ok) return ok;
    if (auto ok = fill(w, report); !ok) {
      db.reset();
      fs::remove(temp, ec);
      return ok;
    }
  }
  // Invariant 1: durable before it replaces the old one.
  core::unique_fd fd(::open(temp.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.is_open() || ::fsync(fd.get()) != 0) {
    const int e = errno;
    fs::remove(temp, ec);
    return core::fail_errno("fsync catalogue", temp.string(), e);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    fs::remove(temp, ec);
    return core::fail_errno("rename catalogue into", path.string(), e);
  }
  return core::fsync_directory(path.parent_path().empty() ? fs::path(".") : path.parent_path());
}

}  // namespace bodycam::tools::audit
