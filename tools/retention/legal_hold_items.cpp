#include "tools/retention/legal_hold_items.hpp"

#include <algorithm>
#include <set>

namespace bodycam::tools::retention {

namespace {

using session_key = std::pair<record::device_id, record::session_id>;

bool covered(const std::vector<hold>& holds, const media_item& item) {
  return std::any_of(holds.begin(), holds.end(), [&](const hold& h) { return hold_covers(h, item); });
}

}  // namespace

held_items items_held_by(const std::vector<hold>& holds, const std::vector<media_item>& media,
                         const std::vector<media_item>& records) {
  // Invariant 1: the sessions any covered file or record belongs to.
  std::set<session_key> sessions;
  for (const auto* list : {&media, &records})
    for (const auto& item : *list)
      if (!item.session.is_none() && covered(holds, item)) sessions.insert({item.device, item.session});
  const auto held = [&](const media_item& item) {
    return (!item.session.is_none() && sessions.contains({item.device, item.session})) || covered(holds, item);
  };
  held_items out;
  std::set<common::crypto::sha256_digest> objects;
  for (const auto& item : media)
    if (held(item) && objects.insert(item.sha256).second) out.objects.push_back(item.sha256);
  for (const auto& item : records)
    if (held(item)) out.records.emplace_back(item.device, item.seq);
  return out;
}

held_items items_released(const std::vector<hold>& released, const std::vector<hold>& remaining,
                          const std::vector<media_item>& media, const std::vector<media_item>& records) {
  const auto letting_go = items_held_by(released, media, records);
  const auto kept = items_held_by(remaining, media, records);
  held_items out;
  for (const auto& o : letting_go.objects)
    if (std::find(kept.objects.begin(), kept.objects.end(), o) == kept.objects.end()) out.objects.push_back(o);
  for (const auto& r : letting_go.records)
    if (std::find(kept.records.begin(), kept.records.end(), r) == kept.records.end()) out.records.push_back(r);
  return out;
}

}  // namespace bodycam::tools::retention
