// Runs a shift plan (shift_plan.hpp) with real processes on this machine: each camera is a
// `bodycam-recorder` with a synthetic source and espeak-ng statements as its microphone; the officer's
// presses are control-socket commands; a power loss is SIGKILL; docking starts `bodycam-dockd`, which pulls,
// verifies, stores and hands out receipts. Enrollment and the final audit are this same `bodycam` binary's
// own verbs, run as programs, so the demo exercises exactly what an administrator and a clerk would run.
//
// Guarantees:
//  1. Nothing is left running: every process is a child_process, killed and reaped on any early return.
//  2. The shift ends only when the store holds a receipt covering every footage record (segment,
//     annotation) of every camera, or it fails naming the cameras still pending.
//  3. Every step is printed as it happens (time since the start, camera, action), so a run that fails can
//     be followed in its logs (<out>/logs).
#pragma once

#include "common/core/error.hpp"
#include "tools/shift/shift_files.hpp"
#include "tools/shift/shift_plan.hpp"

#include <cstdio>
#include <filesystem>

namespace bodycam::tools::shift {

struct shift_setup {
  std::filesystem::path out;
  std::filesystem::path programs_dir;  // where bodycam, bodycam-recorder and bodycam-dockd are
  shift_options options;
  video_settings video;
  std::uint16_t first_port = 0;        // 0: pick free loopback ports
  std::chrono::seconds upload_limit{300};  // how long the dock may take after docking
  bool place_track = true;  // camera 1 reads a GNSS track replayed by gpsfake (shift_track.hpp)
  std::FILE* progress = stdout;
};

struct shift_outcome {
  int audit_exit = 3;  // `bodycam audit`'s exit code (0 authentic, 1 with documented gaps, 2, 3)
  std::filesystem::path store;
  std::filesystem::path reports;
  std::filesystem::path clerk_key;       // the demo clerk's secret key (enrolled with role clerk)
  std::filesystem::path supervisor_key;  // the demo supervisor's (role supervisor)
  std::filesystem::path root_key;        // the agency root's public key: `bodycam audit STORE --root` it
};

[[nodiscard]] common::core::expected<shift_outcome> run_shift(const shift_setup& setup);

}  // namespace bodycam::tools::shift
