// Failed logins and used one-time-code steps, kept in one SQLite file in the consoles' shared state folder (through common/sqlite), so
// every console of an agency sees the same count: after max_failures failures within `window`, the account
// is locked for `lock_for` from the last of them.
// Invariants:
//  L1. is_locked(p, now) is true exactly when some max_failures consecutive recorded failures of p lie within
//      `window` of each other and the last of them is less than `lock_for` before now.
//  L2. While locked, the console checks nothing (no password derivation) and records nothing, so a locked
//      account cannot be kept locked for ever by an attacker's further attempts beyond one lock period
//      after their last counted failure.
//  L3. A successful login clears the person's failures.
//  L4. Every write is one committed transaction (synchronous=FULL through common/sqlite).
//  L5. claim_totp_step accepts a one-time code's step only if it is later than the last step that person
//      used, on any console: a code seen once (shoulder-surfed, replayed) cannot log in again.
#pragma once

#include "common/record/payloads.hpp"
#include "common/sqlite/connection.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace bodycam::console::access {

struct lockout_policy {
  unsigned max_failures = 5;
  std::chrono::minutes window{15};
  std::chrono::minutes lock_for{15};
};

class lockout_store {
 public:
  [[nodiscard]] static common::core::expected<lockout_store> open(const std::filesystem::path& path,
                                                                  lockout_policy policy = {});

  // L1: nullopt when not locked, else until when.
  [[nodiscard]] common::core::expected<std::optional<common::record::utc_time>> locked_until(
      const std::string& person, common::record::utc_time now) const;
  [[nodiscard]] common::core::status record_failure(const std::string& person, common::record::utc_time at);
  [[nodiscard]] common::core::status clear_failures(const std::string& person);
  // L5: true if `step` was claimed now, false if that step or a later one was already used.
  [[nodiscard]] common::core::expected<bool> claim_totp_step(const std::string& person, std::uint64_t step);

 private:
  lockout_store(std::unique_ptr<common::sqlite::connection> db, lockout_policy policy)
      : db_(std::move(db)), policy_(policy) {}
  std::unique_ptr<common::sqlite::connection> db_;
  lockout_policy policy_;
};

}  // namespace bodycam::console::access
