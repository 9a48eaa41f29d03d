// The dock's own queue state, in SQLite: the work items it has to store, their state, and the log of
// deadline alarms. It is what lets the dock resume after a crash or power loss without losing track of a
// deadline. One file per dock (e.g. /var/lib/bodycam-dockd/queue.db).
// Guarantees:
//  Q1. Durable before acknowledged: every mutating call commits its own transaction (WAL, synchronous=FULL)
//      and returns success only after COMMIT, i.e. after the WAL is fsynced.
//  Q2. Idempotent: enqueue of an item already queued (same device, seq range and file name) returns the
//      existing id and changes nothing (its first deadline stays) — `conflict` if its bytes or recorded time
//      differ; mark_done on a done item and mark_in_progress on an in-progress item succeed and change nothing.
//  Q3. Items move only along the table in item_transitions (queue_store.cpp, docs/formats/dock-status.md):
//        pending ──start──► in_progress ──finish──► done
//           ▲                    │
//           └──────fail──────────┘          pending ──finish──► done (found already stored)
//      and done is final. Rows are never deleted.
//  Q4. reopen: open() on an existing file checks application_id ("BCDQ") and the schema version, runs
//      quick_check, and applies missing migrations in one transaction; items left in_progress by a crash
//      stay in_progress until the daemon calls requeue_in_progress().
//  Q5. list_pending() returns every pending and in-progress item in EDF order (is_served_before).
// Not thread-safe: one queue_store per thread (the dock daemon uses it from its io_context thread).
#pragma once

#include "common/core/error.hpp"
#include "ingest/schedule/alarm_tracker.hpp"
#include "ingest/schedule/work_item.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::ingest::schedule {

struct queue_open_options {
  bool create_if_missing = false;
  std::chrono::milliseconds busy_timeout{5000};
};

struct enqueue_result {
  std::uint64_t id = 0;
  bool created = false;  // false: it was queued already (Q2)
};

struct queue_totals {
  std::uint64_t pending_items = 0;  // pending + in_progress
  std::uint64_t pending_bytes = 0;
  std::uint64_t pending_records = 0;
  std::uint64_t done_items = 0;
  std::uint64_t done_bytes = 0;
  std::uint64_t done_records = 0;
  std::uint64_t failed_attempts = 0;  // sum of attempts over all items
};

class queue_store {
 public:
  [[nodiscard]] static common::core::expected<queue_store> open(const std::filesystem::path& path,
                                                                queue_open_options options = {});
  queue_store(queue_store&&) noexcept;
  queue_store& operator=(queue_store&&) noexcept;
  queue_store(const queue_store&) = delete;
  queue_store& operator=(const queue_store&) = delete;
  ~queue_store();

  // `item.deadline` must be set (make_work_item does); `at` is when it was queued.
  [[nodiscard]] common::core::expected<enqueue_result> enqueue(const work_item& item, utc_time at);
  [[nodiscard]] common::core::status mark_in_progress(std::uint64_t id, utc_time at);
  [[nodiscard]] common::core::status mark_done(std::uint64_t id, utc_time at);
  // An attempt failed: back to pending, attempts + 1, the reason kept as last_error.
  [[nodiscard]] common::core::status mark_failed(std::uint64_t id, utc_time at, std::string_view reason);
  // After a restart: every in_progress item goes back to pending (not counted as a failed attempt).
  // Returns how many moved.
  [[nodiscard]] common::core::expected<std::uint64_t> requeue_in_progress();

  [[nodiscard]] common::core::expected<std::vector<work_item>> list_pending() const;  // Q5
  [[nodiscard]] common::core::expected<std::optional<work_item>> find(std::uint64_t id) const;
  [[nodiscard]] common::core::expected<queue_totals> totals() const;

  [[nodiscard]] common::core::status log_alarm(const alarm_event& event);
  // The newest `limit` alarm events, oldest first.
  [[nodiscard]] common::core::expected<std::vector<alarm_event>> list_alarms(std::size_t limit = 100) const;

  [[nodiscard]] const std::filesystem::path& path() const noexcept;

  struct impl;  // internal (queue_store.cpp)

 private:
  explicit queue_store(std::unique_ptr<impl> state) noexcept;
  std::unique_ptr<impl> impl_;
};

}  // namespace bodycam::ingest::schedule
