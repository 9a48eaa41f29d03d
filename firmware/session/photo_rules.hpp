// The rules a photo follows before anything is written (pure): whether the recording volume can take it
// without eating into the reserve the footage needs, and the name of its file.
// Invariants:
//  1. A photo is refused (errc::no_space) when free bytes minus the photo would fall below the storage
//     reserve: the footage always has the reserve, a photo never does at its cost. The message says how many
//     bytes are free, the reserve and the photo's size, and that recording goes on.
//  2. A photo's file name is unique on the camera: the session, the boot, the run (a resume's tag) and the
//     frame's pts (each photo of a run waits for a later frame than the one before); it is one path
//     component that the store and the offload accept.
#pragma once

#include "common/core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace bodycam::firmware::session {

[[nodiscard]] common::core::status check_photo_space(std::uint64_t free_bytes, std::uint64_t reserve_bytes,
                                                     std::uint64_t photo_bytes);

// "<session hex>-photo-b<boot><run tag>-<pts>.jpg"; run_tag is "" or "-s<seq>" (a resumed run).
[[nodiscard]] std::string photo_file_name(std::string_view session_hex, std::uint32_t boot, std::string_view run_tag,
                                          std::int64_t pts);

}  // namespace bodycam::firmware::session
