// The failed-login counter (L1-L4 in lockout_store.hpp) over common/sqlite.
#include "console/access/lockout_store.hpp"

#include "common/sqlite/database.hpp"
#include "common/sqlite/transaction.hpp"

#include <array>
#include <vector>

namespace bodycam::console::access {

namespace core = common::core;
namespace sqlite = common::sqlite;

namespace {

constexpr std::array migrations{sqlite::migration{
    1, "failed logins",
    "CREATE TABLE login_failures (person TEXT NOT NULL, at_ms INTEGER NOT NULL) STRICT;"
    "CREATE INDEX login_failures_person ON login_failures (person, at_ms);"
    "CREATE TABLE totp_steps (person TEXT PRIMARY KEY, last_step INTEGER NOT NULL) STRICT;"}};
constexpr sqlite::schema lockout_schema{"console login failures", 0x42434c46 /* "BCLF" */, migrations};

std::int64_t to_ms(common::record::utc_time t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

core::expected<lockout_store> lockout_store::open(const std::filesystem::path& path, lockout_policy policy) {
  if (policy.max_failures == 0) return core::fail(core::errc::invalid_argument, "lockout policy: max_failures must be >= 1");
  sqlite::open_options options;
  options.create_if_missing = true;
  auto db = sqlite::open_database(path, lockout_schema, options);
  if (!db) return std::unexpected(db.error());
  return lockout_store(std::move(*db), policy);
}

core::expected<std::optional<common::record::utc_time>> lockout_store::locked_until(
    const std::string& person, common::record::utc_time now) const {
  auto q = db_->prepare("read login failures of " + person + " in",
                        "SELECT at_ms FROM login_failures WHERE person = ?1 AND at_ms > ?2 AND at_ms <= ?3 "
                        "ORDER BY at_ms");
  if (!q) return std::unexpected(q.error());
  const auto horizon = now - policy_.window - policy_.lock_for;
  q->bind_text(1, person);
  q->bind_int(2, to_ms(horizon));
  q->bind_int(3, to_ms(now));
  std::vector<std::int64_t> at;
  for (;;) {
    auto row = q->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    at.push_back(q->column_int(0));
  }
  const auto window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(policy_.window).count();
  const auto lock_ms = std::chrono::duration_cast<std::chrono::milliseconds>(policy_.lock_for).count();
  std::optional<std::int64_t> until;
  for (std::size_t last = policy_.max_failures - 1; last < at.size(); ++last)  // L1
    if (at[last] - at[last + 1 - policy_.max_failures] <= window_ms && to_ms(now) < at[last] + lock_ms)
      until = at[last] + lock_ms;
  if (!until) return std::optional<common::record::utc_time>();
  return std::optional<common::record::utc_time>(common::record::utc_time(std::chrono::milliseconds(*until)));
}

core::status lockout_store::record_failure(const std::string& person, common::record::utc_time at) {
  auto tx = sqlite::transaction::begin(*db_);
  if (!tx) return std::unexpected(tx.error());
  auto insert = db_->prepare("record login failure of " + person + " in",
                             "INSERT INTO login_failures (person, at_ms) VALUES (?1, ?2)");
  if (!insert) return std::unexpected(insert.error());
  insert->bind_text(1, person);
  insert->bind_int(2, to_ms(at));
  if (auto ok = insert->run(); !ok) return ok;
  return tx->commit("login failure of " + person);
}

core::status lockout_store::clear_failures(const std::string& person) {
  auto tx = sqlite::transaction::begin(*db_);
  if (!tx) return std::unexpected(tx.error());
  auto erase = db_->prepare("clear login failures of " + person + " in", "DELETE FROM login_failures WHERE person = ?1");
  if (!erase) return std::unexpected(erase.error());
  erase->bind_text(1, person);
  if (auto ok = erase->run(); !ok) return ok;
  return tx->commit("cleared login failures of " + person);
}

core::expected<bool> lockout_store::claim_totp_step(const std::string& person, std::uint64_t step) {
  auto tx = sqlite::transaction::begin(*db_);
  if (!tx) return std::unexpected(tx.error());
  auto last = db_->prepare("read the last one-time code step of " + person + " in",
                           "SELECT last_step FROM totp_steps WHERE person = ?1");
  if (!last) return std::unexpected(last.error());
  last->bind_text(1, person);
  auto row = last->step();
  if (!row) return std::unexpected(row.error());
  if (*row && static_cast<std::uint64_t>(last->column_int(0)) >= step) return false;
  last->reset();
  auto put = db_->prepare("claim a one-time code step of " + person + " in",
                          "INSERT INTO totp_steps (person, last_step) VALUES (?1, ?2) "
                          "ON CONFLICT (person) DO UPDATE SET last_step = excluded.last_step");
  if (!put) return std::unexpected(put.error());
  put->bind_text(1, person);
  put->bind_int(2, static_cast<std::int64_t>(step));
  if (auto ok = put->run(); !ok) return std::unexpected(ok.error());
  if (auto ok = tx->commit("one-time code step of " + person); !ok) return std::unexpected(ok.error());
  return true;
}

}  // namespace bodycam::console::access
