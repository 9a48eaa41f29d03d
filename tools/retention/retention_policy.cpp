#include "tools/retention/retention_policy.hpp"

#include "common/record/record_json.hpp"

#include <map>

namespace bodycam::tools::retention {

std::string_view to_string(outcome o) noexcept {
  switch (o) {
    case outcome::expire: return "expire";
    case outcome::keep_young: return "keep_young";
    case outcome::keep_held: return "keep_held";
  }
  return "unknown";
}

bool hold_covers(const hold& h, const media_item& item) noexcept {
  if (h.device != item.device) return false;
  if (!h.session.is_none()) return h.session == item.session;
  const bool open_ended = h.to == record::utc_time{};
  return item.recorded_utc >= h.from && (open_ended || item.recorded_utc <= h.to);
}

namespace {

const hold* covering_hold(const media_item& item, const std::vector<hold>& holds) {
  for (const auto& h : holds)
    if (hold_covers(h, item)) return &h;
  return nullptr;
}

}  // namespace

common::core::expected<std::vector<decision>> decide(const std::vector<media_item>& items,
                                                     const std::vector<hold>& holds, record::utc_time now,
                                                     std::chrono::days keep_for) {
  if (keep_for < minimum_retention)  // invariant 1
    return common::core::fail(common::core::errc::invalid_argument,
                              "retention of " + std::to_string(keep_for.count()) + " days is shorter than the " +
                                  std::to_string(minimum_retention.count()) + "-day minimum");
  // Invariant 1: a session's files age from its last file; a session held anywhere is held whole.
  std::map<std::pair<record::device_id, record::session_id>, record::utc_time> session_end;
  std::map<std::pair<record::device_id, record::session_id>, const hold*> session_hold;
  for (const auto& item : items) {
    const auto key = std::pair{item.device, item.session};
    auto& end = session_end[key];
    if (item.recorded_utc > end) end = item.recorded_utc;
    if (const hold* h = covering_hold(item, holds); h && !session_hold[key]) session_hold[key] = h;
  }
  std::vector<decision> out;
  for (const auto& item : items) {
    const auto key = std::pair{item.device, item.session};
    decision d{item, outcome::keep_young, {}};
    if (const hold* h = session_hold[key]) {  // invariant 2
      d.result = outcome::keep_held;
      d.why = "held: " + h->reason + " (" + h->entry + ")";
    } else if (now - session_end[key] < keep_for) {
      d.result = outcome::keep_young;
      d.why = "kept until " + record::format_utc(session_end[key] + keep_for);
    } else {
      d.result = outcome::expire;
      d.why = "older than " + std::to_string(keep_for.count()) + " days and not held";
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace bodycam::tools::retention
