// Making work items (invariants 1-3 of work_item.hpp) and their service order.
#include "ingest/schedule/work_item.hpp"

#include <tuple>

namespace bodycam::ingest::schedule {

namespace core = common::core;

std::string_view to_string(item_state state) noexcept {
  switch (state) {
    case item_state::pending: return "pending";
    case item_state::in_progress: return "in_progress";
    case item_state::done: return "done";
  }
  return "unknown";
}

core::expected<work_item> make_work_item(const work_item_spec& spec, std::chrono::nanoseconds deadline_after) {
  const std::string what = "work item " + spec.device.str() + " seq " + std::to_string(spec.first_seq) + ".." +
                           std::to_string(spec.end_seq) + (spec.file_name.empty() ? "" : " file " + spec.file_name);
  if (spec.device.str().empty()) return core::fail(core::errc::invalid_argument, what + ": no device id");
  if (spec.first_seq >= spec.end_seq)  // invariant 1
    return core::fail(core::errc::invalid_argument, what + ": first_seq must be below end_seq");
  if (!spec.file_name.empty()) {  // invariant 3
    if (spec.end_seq != spec.first_seq + 1)
      return core::fail(core::errc::invalid_argument, what + ": a file item names exactly one record");
    if (spec.file_name == "." || spec.file_name == ".." || spec.file_name.find('/') != std::string::npos ||
        spec.file_name.find('\0') != std::string::npos)
      return core::fail(core::errc::invalid_argument, what + ": file name is not a single path component");
  }
  if (deadline_after <= std::chrono::nanoseconds::zero())
    return core::fail(core::errc::invalid_argument, what + ": deadline_after must be positive");
  work_item item;
  item.device = spec.device;
  item.first_seq = spec.first_seq;
  item.end_seq = spec.end_seq;
  item.file_name = spec.file_name;
  item.bytes = spec.bytes;
  item.recorded_utc = spec.recorded_utc;
  item.deadline = spec.recorded_utc + deadline_after;  // invariant 2
  return item;
}

bool is_served_before(const work_item& a, const work_item& b) noexcept {
  return std::tie(a.deadline, a.device, a.first_seq, a.file_name) <
         std::tie(b.deadline, b.device, b.first_seq, b.file_name);
}

}  // namespace bodycam::ingest::schedule
