// Real footage for the viewing-copy tests: the camera's own pipeline (firmware/media, the one the firmware
// tests drive) records the synthetic source — 320x240 at 15 fps with a 440 Hz tone, 1 s GOP, 2 s segments —
// into fragmented-MP4 segments exactly as a camera writes them, and a session of them is put into a store
// with signed records as the dock would (evidence_store_builder).
#pragma once

#include "common/store/store.hpp"
#include "tests/tools/evidence_store_builder.hpp"

#include <filesystem>
#include <vector>

namespace bodycam::tests {

inline constexpr double footage_frame_seconds = 1.0 / 15;

// At least `count` sealed segments of one recording, in order, in `dir`; throws if the pipeline fails.
std::vector<std::filesystem::path> record_segments(const std::filesystem::path& dir, std::size_t count);

// One session of `cam` whose segments are `files` (boot, start, the segments a minute apart, stop, receipt).
void store_session(evidence_camera& cam, const std::vector<std::filesystem::path>& files);

}  // namespace bodycam::tests
