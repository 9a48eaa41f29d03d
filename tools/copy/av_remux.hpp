// Remuxing a session's fragmented-MP4 segments, back to back, into one ordinary (non-fragmented) MP4 with its
// index at the front (movflags +faststart), with libavformat and without re-encoding: the packets of the copy
// are the packets of the segments, byte for byte; only their timestamps move.
// Guarantees:
//  R1. Timestamps: one offset per segment, the same for all its tracks (audio stays in sync with video). The
//      first segment is moved to start at 0. A later segment keeps the offset of the one before when its
//      timestamps go on from where that one ended (the recorder's segments do: the copy then has the
//      session's own timeline, and the time of a left-out segment stays in it as a gap); a segment whose
//      timestamps start again (a new run) is moved to follow on, `gap_before` later. Either way every track's
//      dts strictly increases across the boundary.
//  R2. Every segment must have the first segment's tracks (video and audio, same codecs); otherwise the
//      remux fails naming the segment.
//  R3. The output is written with bit-exact flags (no creation time, no encoder string that varies), so the
//      same segments and the same libavformat give the same bytes.
//  R4. Success means av_write_trailer and the close of the output both succeeded; the file is not synced
//      (the caller makes it durable and names it).
#pragma once

#include "common/core/error.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace bodycam::tools::copy {

struct remux_input {
  std::filesystem::path path;
  std::string name;                         // for messages: "segment 3 (record 17, S-000002.mp4)"
  std::chrono::microseconds gap_before{0};  // a left-out segment's span, kept as a real gap (R1)
};

struct remuxed_segment {
  std::chrono::microseconds start{0};     // where it begins in the copy
  std::chrono::microseconds duration{0};  // from its earliest packet to the end of its latest
  std::uint64_t packets = 0;
};

struct remux_result {
  std::vector<remuxed_segment> segments;  // one per input, in order
  std::chrono::microseconds duration{0};  // of the whole copy
  std::string libavformat;                // "libavformat 59.27.100"
};

[[nodiscard]] common::core::expected<remux_result> remux_segments(const std::vector<remux_input>& inputs,
                                                                  const std::filesystem::path& out);

}  // namespace bodycam::tools::copy
