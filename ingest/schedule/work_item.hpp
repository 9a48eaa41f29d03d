// A work item: one unit of the dock's backlog — a contiguous range of a device's records, or one file
// (segment, annotation) that one of its records describes — with the size still to move and its deadline.
// Invariants kept by every constructor path (make_work_item and queue_store):
//  1. first_seq < end_seq (the records first_seq .. end_seq-1; a file item names the one record that
//     describes it, so end_seq = first_seq + 1);
//  2. deadline = recorded_utc + the policy's deadline_after (24 h by default), fixed when the item is made;
//  3. file_name is empty for a record range and a single path component for a file.
#pragma once

#include "common/core/error.hpp"
#include "common/record/ids.hpp"
#include "ingest/schedule/schedule_clock.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace bodycam::ingest::schedule {

inline constexpr std::chrono::hours default_deadline_after{24};

enum class item_state { pending, in_progress, done };
[[nodiscard]] std::string_view to_string(item_state state) noexcept;  // "pending", "in_progress", "done"

struct work_item {
  std::uint64_t id = 0;  // assigned by queue_store (0 = not stored yet)
  common::record::device_id device;
  std::uint64_t first_seq = 0;
  std::uint64_t end_seq = 0;
  std::string file_name;    // empty: a record range
  std::uint64_t bytes = 0;  // bytes still to move for this item
  utc_time recorded_utc{};  // when the oldest record of the item was recorded (its claimed UTC)
  utc_time deadline{};      // recorded_utc + deadline_after (invariant 2)
  item_state state = item_state::pending;
  std::uint32_t attempts = 0;  // failed attempts so far (queue_store counts them)

  [[nodiscard]] bool is_file() const noexcept { return !file_name.empty(); }
  [[nodiscard]] std::uint64_t record_count() const noexcept { return end_seq - first_seq; }
};

struct work_item_spec {
  common::record::device_id device;
  std::uint64_t first_seq = 0;
  std::uint64_t end_seq = 0;
  std::string file_name;
  std::uint64_t bytes = 0;
  utc_time recorded_utc{};
};

// Checks invariants 1 and 3 and sets the deadline (invariant 2). `deadline_after` must be positive.
[[nodiscard]] common::core::expected<work_item> make_work_item(
    const work_item_spec& spec, std::chrono::nanoseconds deadline_after = default_deadline_after);

// Earliest deadline first; ties by device, then first_seq, then file name, so the order is total and the
// same on every run.
[[nodiscard]] bool is_served_before(const work_item& a, const work_item& b) noexcept;

}  // namespace bodycam::ingest::schedule
