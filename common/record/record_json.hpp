// JSON views of records for reports and tools (never used for hashing or signing: only the canonical bytes
// are). Field names are those of docs/formats/chain.md; digests, keys and ids are lower-case hex.
#pragma once

#include "common/record/record.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace bodycam::common::record {

[[nodiscard]] nlohmann::json to_json(const record& r);
[[nodiscard]] nlohmann::json payload_to_json(const payload& p);
// RFC 3339 UTC with nanoseconds, e.g. 2026-11-23T13:21:38.123456789Z.
[[nodiscard]] std::string format_utc(utc_time t);
// The same to the second, for people: 2026-11-23T13:21:38Z.
[[nodiscard]] std::string format_utc_seconds(utc_time t);

}  // namespace bodycam::common::record
