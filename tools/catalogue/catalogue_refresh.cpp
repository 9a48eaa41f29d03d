// The refresh of the catalogue from a store (catalogue_db.hpp K2, K3): what changed is decided from the
// store's listings against the `sources` table, the changed devices are audited (tools/audit) and their rows
// rewritten, notes and exports folded in, all inside one transaction.
#include "common/sqlite/transaction.hpp"
#include "tools/catalogue/catalogue_db.hpp"
#include "tools/catalogue/catalogue_rows.hpp"
#include "tools/catalogue/note_authority.hpp"
#include "tools/audit/store_audit.hpp"
#include "tools/enrollment/enrollment_store.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

namespace bodycam::tools::catalogue {

namespace sqlite = common::sqlite;
namespace store = common::store;
namespace registers = tools::registers;
namespace enrollment = tools::enrollment;

namespace {

using source_map = std::map<std::pair<std::string, std::string>, std::string>;  // (kind, name) → state

core::expected<source_map> read_sources(const sqlite::connection& db) {
  auto stmt = db.prepare("read sources of", "SELECT kind, name, state FROM sources");
  if (!stmt) return std::unexpected(stmt.error());
  source_map out;
  for (;;) {
    auto more = stmt->step();
    if (!more) return std::unexpected(more.error());
    if (!*more) return out;
    out[{stmt->column_text(0), stmt->column_text(1)}] = stmt->column_text(2);
  }
}

core::status write_sources(sqlite::connection& db, const source_map& sources) {
  if (auto ok = db.exec("clear sources of", "DELETE FROM sources"); !ok) return ok;
  for (const auto& [key, state] : sources) {
    auto stmt = db.prepare("write sources of", "INSERT INTO sources VALUES(?,?,?)");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind_text(1, key.first);
    stmt->bind_text(2, key.second);
    stmt->bind_text(3, state);
    if (auto ok = stmt->run(); !ok) return ok;
  }
  return {};
}

// A state that changes whenever the list of names does.
std::string names_state(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::string joined;
  for (const auto& n : names) joined += n + "\n";
  return std::to_string(names.size()) + ":" + common::crypto::sha256(joined).to_hex();
}

unit_lookup units_from(const store::store& s, const std::optional<common::crypto::public_key>& root) {
  if (!root) return {};
  auto reg = enrollment::load_register(s, *root);
  if (!reg) return {};
  auto grants = std::make_shared<std::vector<enrollment::grant>>(reg->table.grants());
  const auto find = [grants](enrollment::subject_kind kind, const std::string& subject) {
    std::string unit;
    for (const auto& g : *grants)  // the latest grant of the subject names its unit
      if (g.kind == kind && g.subject == subject) unit = g.unit;
    return unit;
  };
  return {[find](const std::string& d) { return find(enrollment::subject_kind::camera, d); },
          [find](const std::string& p) { return find(enrollment::subject_kind::person, p); }};
}

}  // namespace

core::expected<refresh_report> catalogue_db::refresh(const store::store& s, const refresh_options& options) {
  const std::string what = "refresh console catalogue " + db_->path().string() + " from " + s.describe();
  refresh_report report;
  auto old_sources = read_sources(*db_);
  if (!old_sources) return std::unexpected(old_sources.error());
  source_map sources;

  // What the store holds now.
  for (const auto ns : {store::entry_namespace::receipts, store::entry_namespace::enrollment,
                        store::entry_namespace::access}) {
    auto names = s.list_entries(ns);
    if (!names) return core::wrap(what, names.error());
    sources[{"register", std::string(store::to_string(ns))}] = names_state(std::move(*names));
  }
  const auto changed = [&](const std::pair<std::string, std::string>& key) {
    const auto it = old_sources->find(key);
    return options.full || it == old_sources->end() || it->second != sources.at(key);
  };
  const bool all_devices = changed({"register", "receipts"}) || changed({"register", "enrollment"});
  auto devices = s.list_devices();
  if (!devices) return core::wrap(what, devices.error());
  std::set<std::string> to_audit;
  for (const auto& d : *devices) {
    auto seqs = s.list_record_seqs(d);
    if (!seqs) return core::wrap(what, seqs.error());
    const auto key = std::pair{std::string("device"), d.str()};
    sources[key] = std::to_string(seqs->size()) + ":" + (seqs->empty() ? "-" : std::to_string(seqs->back()));
    if (all_devices || changed(key)) to_audit.insert(d.str());
  }
  report.devices_refreshed = to_audit.size();
  report.devices_unchanged = devices->size() - to_audit.size();

  tools::audit::audit_report audited;
  if (!to_audit.empty()) {
    tools::audit::audit_options audit_options;
    audit_options.now = options.now;
    audit_options.only_devices = [&](const record::device_id& d) { return to_audit.contains(d.str()); };
    auto a = tools::audit::audit_store(s, audit_options);
    if (!a) return core::wrap(what, a.error());
    audited = std::move(*a);
  }
  auto book = registers::read_metadata_register(s);
  if (!book) return core::wrap(what, book.error());
  if (options.root) {  // metadata-register.md §3 invariant 7, under the root the caller trusts
    auto reg = enrollment::load_register(s, *options.root);
    if (!reg) return core::wrap(what, reg.error());
    // A4: a session's roster from this refresh's audit, else from the catalogue's rows (devices unchanged since).
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> audited_rosters;
    for (const auto& d : audited.devices)
      for (const auto& sa : d.sessions) audited_rosters[{d.device.str(), sa.session.to_hex()}] = sa.officers();
    std::optional<core::error> unreadable;
    const auto roster_of = [&](const record::device_id& device,
                               const record::session_id& session) -> std::optional<std::vector<std::string>> {
      if (const auto it = audited_rosters.find({device.str(), session.to_hex()}); it != audited_rosters.end())
        return it->second;
      if (to_audit.contains(device.str())) return std::nullopt;  // audited now, and the session is not there
      auto rows = select_rows(*db_, "WHERE s.device = ? AND s.session = ?",
                              {{true, device.str(), 0}, {true, session.to_hex(), 0}}, {});
      if (!rows) {
        if (!unreadable) unreadable = rows.error();
        return std::nullopt;
      }
      if (rows->empty()) return std::nullopt;
      return rows->front().officers();
    };
    (void)flag_unauthorized_notes(*book, reg->table, roster_of);
    if (unreadable) return core::wrap(what + ": read the officers of a noted session", *unreadable);
  }
  for (const auto& f : book->findings) report.register_findings.push_back(f.code + " " + f.entry);
  // Sessions with a note not seen before. A note on a session the catalogue does not hold yet is applied when
  // the session arrives: its device then changes, and every session of a re-derived device is renoted.
  std::set<std::pair<std::string, std::string>> renoted;
  for (const auto& chain : book->authors)
    for (std::size_t i = 0; i < chain.entries.size(); ++i) {
      const auto& e = chain.entries[i];
      const auto key = std::pair{std::string("note"), registers::entry_name(e.body)};
      sources[key] = e.hash.to_hex();
      if (changed(key)) renoted.insert({e.body.device.str(), e.body.session.to_hex()});
    }
  const auto units = units_from(s, options.root);

  auto tx = sqlite::transaction::begin(*db_);  // K2
  if (!tx) return std::unexpected(tx.error());
  if (options.full) {
    if (auto ok = db_->exec("clear", "DELETE FROM notes_fts; DELETE FROM sessions;"); !ok) return std::unexpected(ok.error());
  }
  std::set<std::string> present;
  for (const auto& d : *devices) present.insert(d.str());
  for (const auto& [key, state] : *old_sources)  // a device no longer listed (never in a write-once store)
    if (key.first == "device" && !present.contains(key.second))
      if (auto ok = delete_device(*db_, key.second); !ok) return std::unexpected(ok.error());
  for (const auto& d : audited.devices) {
    if (auto ok = delete_device(*db_, d.device.str()); !ok) return std::unexpected(ok.error());
    for (const auto& row : rows_of_device(d, units)) {
      if (auto ok = write_session(*db_, row); !ok) return std::unexpected(ok.error());
      ++report.sessions_written;
      renoted.insert({row.device, row.session});
    }
  }
  for (const auto& notes : registers::all_session_notes(*book)) {
    if (!renoted.contains({notes.device.str(), notes.session.to_hex()})) continue;
    session_row row;
    row.device = notes.device.str();
    row.session = notes.session.to_hex();
    apply_notes(row, notes);
    auto written = write_notes(*db_, row);
    if (!written) return std::unexpected(written.error());
    if (*written) ++report.notes_applied;
  }
  if (changed({"register", "access"})) {
    auto access = registers::read_register(s, store::entry_namespace::access);
    if (!access) return core::wrap(what, access.error());
    for (const auto& f : access->findings) report.register_findings.push_back(f.code + " " + f.entry);
    if (auto ok = db_->exec("clear exports of", "DELETE FROM exports"); !ok) return std::unexpected(ok.error());
    for (const auto& e : exports_of(*access)) {
      auto stmt = db_->prepare("write exports to", "INSERT INTO exports VALUES(?,?,?,?,?,?,?)");
      if (!stmt) return std::unexpected(stmt.error());
      stmt->bind_text(1, e.device);
      stmt->bind_text(2, e.session);
      stmt->bind_int(3, e.utc.time_since_epoch().count());
      stmt->bind_text(4, e.clerk);
      stmt->bind_text(5, e.reference);
      stmt->bind_int(6, e.from.time_since_epoch().count());
      stmt->bind_int(7, e.to.time_since_epoch().count());
      if (auto ok = stmt->run(); !ok) return std::unexpected(ok.error());
    }
    report.exports_rewritten = true;
  }
  if (auto ok = write_sources(*db_, sources); !ok) return std::unexpected(ok.error());
  if (auto ok = tx->commit("refresh from " + s.describe()); !ok) return std::unexpected(ok.error());
  return report;
}

}  // namespace bodycam::tools::catalogue
