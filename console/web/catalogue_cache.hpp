// The console's copy of the search catalogue (tools/catalogue): one SQLite file per console, a cache of the
// store that is never the truth. This class decides only *when* it is refreshed; what a refresh does (what
// changed in the store, incremental or whole, K1-K4) is tools/catalogue's.
// When:
//  R1. At start (the program refreshes before it listens; a file that is not a catalogue is moved aside and
//      rebuilt, catalogue_db K1).
//  R2. Before a search (and before the statistics or the API read it), when the last refresh is older than the configured interval (refresh_seconds; 0 means
//      before every search). A refresh of an unchanged store only lists it, so a short interval is cheap.
//  R3. Before the next search after this console wrote a note (mark_stale), whatever the interval, so the
//      person who noted finds it at once. Notes written elsewhere (`bodycam note`, another console) show after
//      the interval.
//  R4. A failed refresh leaves the last good catalogue in place and is answered as an error (503), never as
//      an empty result; the next search tries again.
// The refresh trusts the agency root the console is configured with (units, and which notes count:
// tools/catalogue/note_authority.hpp U1). Calls are serialised by a mutex.
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/store/store.hpp"
#include "tools/catalogue/catalogue_db.hpp"

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>

namespace bodycam::console::web {

// What the statistics are computed from: every session row and every export in the catalogue.
struct statistics_rows {
  std::vector<tools::catalogue::session_row> rows;
  std::vector<tools::catalogue::export_row> exports;
};

// R2, R3: whether a search (or a read of the statistics' rows) at `now` refreshes first.
[[nodiscard]] bool is_refresh_due(std::optional<common::record::utc_time> last, common::record::utc_time now,
                                  std::chrono::seconds interval, bool stale) noexcept;

class catalogue_cache {
 public:
  catalogue_cache(std::filesystem::path file, std::chrono::seconds interval, common::crypto::public_key root)
      : file_(std::move(file)), interval_(interval), root_(root) {}

  // R1 (and R2-R4 through search): opens the file if not open yet, refreshes from `s`.
  [[nodiscard]] common::core::expected<tools::catalogue::refresh_report> refresh(const common::store::store& s,
                                                                                 common::record::utc_time now);
  [[nodiscard]] common::core::expected<tools::catalogue::search_page> search(const common::store::store& s,
                                                                             const tools::catalogue::search_query& q,
                                                                             common::record::utc_time now);
  // The statistics' input, refreshed first when due like a search (R2-R4).
  [[nodiscard]] common::core::expected<statistics_rows> statistics_input(const common::store::store& s,
                                                                         common::record::utc_time now);
  void mark_stale() noexcept;
  [[nodiscard]] std::optional<common::record::utc_time> last_refresh() const;

 private:
  [[nodiscard]] common::core::expected<tools::catalogue::refresh_report> refresh_locked(const common::store::store& s,
                                                                                        common::record::utc_time now);

  std::filesystem::path file_;
  std::chrono::seconds interval_;
  common::crypto::public_key root_;
  mutable std::mutex mutex_;
  std::optional<tools::catalogue::catalogue_db> db_;
  std::optional<common::record::utc_time> last_;
  bool stale_ = false;
};

}  // namespace bodycam::console::web
