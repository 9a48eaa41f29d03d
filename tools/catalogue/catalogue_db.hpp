// The console catalogue: a SQLite file (common/sqlite; application_id "BCCS", numbered migrations) with one
// row per session, the current note fields, an FTS5 index over notes, and the exports of the access register.
// It is a cache, never the truth: everything in it is derived from the store (session_row.hpp C1).
// Invariants:
//  K1. A file that is not a console catalogue of a version this build knows (foreign, corrupt, newer, not
//      SQLite) is never read: it is moved aside to <path>.rejected.<n> (nothing deleted) and a new one built.
//  K2. A refresh is one transaction: the file shows the store as of the previous refresh or of this one,
//      never a mixture. A failed refresh leaves the previous state.
//  K3. Incremental refresh re-derives a device's rows only when its records changed (count or last seq),
//      all devices when the receipts or the enrollment register changed, note fields only of sessions with
//      new notes (or whose device changed), and the exports when the access register changed. A full
//      rebuild re-derives everything; both give the same rows (tested).
//  K4. notes_fts holds one row per noted session, rowid = sessions.id, in step with the note columns.
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/sqlite/connection.hpp"
#include "common/store/store.hpp"
#include "tools/catalogue/search_query.hpp"
#include "tools/catalogue/session_row.hpp"

#include <filesystem>
#include <memory>
#include <optional>

namespace bodycam::tools::catalogue {

namespace core = common::core;

inline constexpr std::int32_t catalogue_application_id = 0x42434353;  // "BCCS"

struct refresh_options {
  record::utc_time now{};
  bool full = false;  // K3: re-derive everything
  // The agency root trusted for the enrollment register: units of cameras and officers, and which notes were
  // written by someone the register let note that session (others are left out, as unauthorized_author).
  // Without it, units stay unknown and notes are taken as the metadata register's own checks allow. Never a
  // key found only in the store.
  std::optional<common::crypto::public_key> root;
};

struct refresh_report {
  std::size_t devices_refreshed = 0;
  std::size_t devices_unchanged = 0;
  std::size_t sessions_written = 0;
  std::size_t notes_applied = 0;  // sessions whose note fields were (re)written
  bool exports_rewritten = false;
  std::vector<std::string> register_findings;  // notes or access entries left out (metadata_book N3)
};

struct search_page {
  std::vector<session_row> rows;  // Q3
  std::uint64_t total = 0;        // rows matching, over all pages
};

struct open_report {
  std::optional<std::filesystem::path> rejected;  // K1: where a refused file was moved
  std::string reason;                             // why it was refused
};

class catalogue_db {
 public:
  // K1. `report` (may be null) says whether a refused file was moved aside.
  [[nodiscard]] static core::expected<catalogue_db> open(const std::filesystem::path& path,
                                                         open_report* report = nullptr);

  [[nodiscard]] core::expected<refresh_report> refresh(const common::store::store& s, const refresh_options& options);
  [[nodiscard]] core::expected<search_page> search(const search_query& q) const;
  // Every row starting in [from, to) (either open), by start: the input of the statistics.
  [[nodiscard]] core::expected<std::vector<session_row>> rows(std::optional<record::utc_time> from,
                                                              std::optional<record::utc_time> to) const;
  [[nodiscard]] core::expected<std::vector<export_row>> exports() const;
  [[nodiscard]] core::expected<std::uint64_t> session_count() const;
  // For tests and the benchmark: write rows as a refresh would, in one transaction (K2, K4).
  [[nodiscard]] core::status insert_rows(const std::vector<session_row>& rows);

  [[nodiscard]] common::sqlite::connection& connection() noexcept { return *db_; }

 private:
  explicit catalogue_db(std::unique_ptr<common::sqlite::connection> db) : db_(std::move(db)) {}
  std::unique_ptr<common::sqlite::connection> db_;
};

}  // namespace bodycam::tools::catalogue
