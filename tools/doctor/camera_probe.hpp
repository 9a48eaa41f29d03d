// Gathers a camera's facts for `bodycam doctor camera`: loads recorder.toml with the recorder's own loader
// (firmware/config), then looks at the key, where it is enrolled, the directories, the sysfs battery, free
// space, device nodes and the ledger (opened read-only: last timesync, reclaimable bytes, chain head signed
// by the key). Reads only; the clock comes in as a value so tests can stand in 1970.
#pragma once

#include "tools/doctor/doctor_facts.hpp"

#include <filesystem>
#include <optional>

namespace bodycam::tools::doctor {

struct probe_time {
  common::record::utc_time now{};
  common::record::utc_time build_date{};
};

struct camera_request {
  std::filesystem::path config;
  std::optional<std::filesystem::path> store;  // compare the device key with the store's keys/<device>.pub
};

[[nodiscard]] camera_facts gather_camera_facts(const camera_request& request, const probe_time& time);

}  // namespace bodycam::tools::doctor
