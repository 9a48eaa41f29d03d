// The catalogue's schema and its rebuild (invariants in catalogue.hpp), on common/sqlite: the temp file is
// created and migrated by sqlite::open_database (rollback journal, synchronous=FULL), filled in one
// sqlite::transaction, and only then fsynced and renamed over the old catalogue.
#include "tools/audit/catalogue.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"
#include "common/record/record_json.hpp"
#include "common/sqlite/checks.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/transaction.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <memory>
#include <variant>

namespace bodycam::tools::audit {

namespace core = common::core;
namespace fs = std::filesystem;
namespace sqlite = common::sqlite;

namespace {

constexpr const char* schema_sql = R"sql(
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

// PRAGMA application_id of a catalogue: "BCCT" in ASCII. The catalogue is rebuilt whole on every run, so
// its migration list only ever holds the schema of this build.
constexpr std::int32_t catalogue_application_id = 0x42434354;
constexpr std::array catalogue_migrations{
    sqlite::migration{1, "catalogue tables", schema_sql},
};
constexpr sqlite::schema catalogue_schema{"catalogue", catalogue_application_id, catalogue_migrations};

class writer {
 public:
  explicit writer(sqlite::connection& db) : db_(db) {}

  // Inserts one row; values are text, integers, reals or null (std::monostate).
  using value = std::variant<std::monostate, std::string, std::int64_t, double>;
  core::status insert(const char* sql, const std::vector<value>& values) {
    auto stmt = db_.prepare("write", sql);
    if (!stmt) return std::unexpected(stmt.error());
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int at = static_cast<int>(i + 1);
      if (const auto* s = std::get_if<std::string>(&values[i]))
        stmt->bind_text(at, *s);
      else if (const auto* n = std::get_if<std::int64_t>(&values[i]))
        stmt->bind_int(at, *n);
      else if (const auto* d = std::get_if<double>(&values[i]))
        stmt->bind_double(at, *d);
      else
        stmt->bind_null(at);
    }
    return stmt->run();
  }

 private:
  sqlite::connection& db_;
};

std::string utc(common::record::utc_time t) { return common::record::format_utc(t); }
std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }

core::status fill(writer& w, const audit_report& report) {
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
  return {};
}

}  // namespace

core::status check_catalogue(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec == std::errc::no_such_file_or_directory)
    return core::fail(core::errc::not_found, "catalogue " + path.string() + ": absent");
  const std::string refuse = "catalogue " + path.string() +
                             " is not a bodycam catalogue or is corrupt; it was not overwritten (move it away, or "
                             "choose another --catalogue): ";
  if (ec) return core::fail(core::errc::corrupt, refuse + ec.message());
  // Read-only, and refused before SQLite opens it when it is not SQLite at all: the file stays as it was.
  if (auto ok = sqlite::check_sqlite_header(path, size, "catalogue"); !ok)
    return core::fail(core::errc::corrupt, refuse + ok.error().context);
  sqlite::open_options read_only;
  read_only.read_only = true;
  auto db = sqlite::open_connection(path, "catalogue", read_only);
  if (!db) return core::fail(core::errc::corrupt, refuse + db.error().context);
  auto stmt = (*db)->prepare("read format of", "SELECT value FROM catalogue_meta WHERE key='format'");
  if (!stmt) return core::fail(core::errc::corrupt, refuse + stmt.error().context);
  auto row = stmt->step();
  if (!row) return core::fail(core::errc::corrupt, refuse + row.error().context);
  if (!*row) return core::fail(core::errc::corrupt, refuse + "no format row");
  if (stmt->column_text(0) != catalogue_format)
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
    sqlite::open_options create;
    create.create_if_missing = true;
    create.journal = sqlite::journal_mode::rollback;
    auto db = sqlite::open_database(temp, catalogue_schema, create);
    if (!db) {
      fs::remove(temp, ec);
      return std::unexpected(db.error());
    }
    auto filled = [&]() -> core::status {
      auto tx = sqlite::transaction::begin(**db);
      if (!tx) return std::unexpected(tx.error());
      writer w(**db);
      if (auto ok = fill(w, report); !ok) return ok;
      return tx->commit("rebuilt catalogue");
    }();
    if (!filled) {
      db->reset();
      fs::remove(temp, ec);
      return filled;
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
