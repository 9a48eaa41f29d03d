// Gathers a dock's facts for `bodycam doctor dock`: loads dockd.toml with the dock's own parser
// (ingest/dockd/dockd_config), then looks at the dock key and its enrollment in the store, the state, spool
// and quarantine directories, the store (opened without creating it; file modes; the write-once probe), free
// space against a shift of the configured cameras, the enrolled cameras and the host clock.
#pragma once

#include "tools/doctor/camera_probe.hpp"
#include "tools/doctor/doctor_facts.hpp"

#include <chrono>
#include <filesystem>

namespace bodycam::tools::doctor {

struct dock_request {
  std::filesystem::path config;
  std::chrono::minutes shift{600};  // one shift of every configured camera must fit in the store
  int camera_bitrate_kbps = 2564;   // per camera: the recorder's default video + audio bit rate
};

[[nodiscard]] dock_facts gather_dock_facts(const dock_request& request, const probe_time& time);

}  // namespace bodycam::tools::doctor
