// When the console refreshes its catalogue (catalogue_cache.hpp R1-R4).
#include "console/web/catalogue_cache.hpp"

namespace bodycam::console::web {

namespace core = common::core;
namespace catalogue = tools::catalogue;

bool is_refresh_due(std::optional<common::record::utc_time> last, common::record::utc_time now,
                    std::chrono::seconds interval, bool stale) noexcept {
  if (!last || stale || interval == std::chrono::seconds::zero()) return true;
  // A clock set back counts as due, so a wrong clock never freezes the catalogue.
  return now < *last || now - *last >= interval;
}

core::expected<catalogue::refresh_report> catalogue_cache::refresh(const common::store::store& s,
                                                                   common::record::utc_time now) {
  const std::lock_guard lock(mutex_);
  return refresh_locked(s, now);
}

core::expected<catalogue::refresh_report> catalogue_cache::refresh_locked(const common::store::store& s,
                                                                          common::record::utc_time now) {
  if (!db_) {
    std::error_code ec;
    if (file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path(), ec);
    auto opened = catalogue::catalogue_db::open(file_);
    if (!opened) return core::wrap("open the console's catalogue", opened.error());
    db_.emplace(std::move(*opened));
  }
  catalogue::refresh_options options;
  options.now = now;
  options.root = root_;
  auto report = db_->refresh(s, options);  // R4: a failed refresh rolls back, the old rows stay
  if (!report) return std::unexpected(report.error());
  last_ = now;
  stale_ = false;
  return report;
}

core::expected<catalogue::search_page> catalogue_cache::search(const common::store::store& s,
                                                               const catalogue::search_query& q,
                                                               common::record::utc_time now) {
  const std::lock_guard lock(mutex_);
  if (!db_ || is_refresh_due(last_, now, interval_, stale_))
    if (auto r = refresh_locked(s, now); !r) return std::unexpected(r.error());
  return db_->search(q);
}

core::expected<statistics_rows> catalogue_cache::statistics_input(const common::store::store& s,
                                                                  common::record::utc_time now) {
  const std::lock_guard lock(mutex_);
  if (!db_ || is_refresh_due(last_, now, interval_, stale_))
    if (auto r = refresh_locked(s, now); !r) return core::wrap("refresh the catalogue from the store", r.error());
  statistics_rows out;
  auto rows = db_->rows(std::nullopt, std::nullopt);
  if (!rows) return core::wrap("read the catalogue's sessions", rows.error());
  auto exports = db_->exports();
  if (!exports) return core::wrap("read the catalogue's exports", exports.error());
  out.rows = std::move(*rows);
  out.exports = std::move(*exports);
  return out;
}

void catalogue_cache::mark_stale() noexcept {
  const std::lock_guard lock(mutex_);
  stale_ = true;
}

std::optional<common::record::utc_time> catalogue_cache::last_refresh() const {
  const std::lock_guard lock(mutex_);
  return last_;
}

}  // namespace bodycam::console::web
