// Which stored items a hold keeps at the storage engine's level (the store's legal holds, S3 Object Lock),
// pure: given the media and the records a store holds, the items of every session a hold covers, whole sessions
// as the retention policy holds them (retention_policy.hpp invariant 1), plus what a device-range hold covers by
// itself. Guarantees:
//  1. A session touched by a hold (any of its files or records covered) is held whole: all its files and records.
//  2. Releasing a hold lets go only of what no other hold in force still keeps, so one release never lifts
//     another hold's protection.
#pragma once

#include "tools/retention/retention_policy.hpp"

#include <utility>
#include <vector>

namespace bodycam::tools::retention {

struct held_items {
  std::vector<common::crypto::sha256_digest> objects;  // files (segments, annotations, photos)
  std::vector<std::pair<record::device_id, std::uint64_t>> records;
};

// `media`: the files; `records`: every record as (device, session or none, seq, claimed UTC).
[[nodiscard]] held_items items_held_by(const std::vector<hold>& holds, const std::vector<media_item>& media,
                                       const std::vector<media_item>& records);

// Invariant 2: what `released` holds and none of `remaining` does.
[[nodiscard]] held_items items_released(const std::vector<hold>& released, const std::vector<hold>& remaining,
                                        const std::vector<media_item>& media, const std::vector<media_item>& records);

}  // namespace bodycam::tools::retention
