// Real footage for the viewing-copy tests: the camera's own pipeline (firmware/media, the one the firmware
// tests drive) records the synthetic source — 320x240 at 15 fps with a 440 Hz tone, 1 s GOP, 2 s segments —
// into fragmented-MP4 segments exactly as a camera writes them, and a session of them is put into a store
// with signed records as the dock would (evidence_store_builder).
#pragma once

#include "common/crypto/footage_key.hpp"
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

// The same session recorded encrypted: each file encrypted to `agency` as a camera does (the format of
// docs/formats/encrypted-footage.md, 16 KiB messages), stored as its ciphertext with a record that carries its
// plaintext hash and length; returns those, in order.
std::vector<common::record::footage_plaintext> store_encrypted_session(
    evidence_camera& cam, const std::vector<std::filesystem::path>& files,
    const common::crypto::footage_public_key& agency);

}  // namespace bodycam::tests
