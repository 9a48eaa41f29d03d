// A still taken from the live video: the frame the video encoder was about to encode (scaled, in the
// encoder's pixel format, OSD burned in), where it sits on the video timeline and when it was captured, and
// its JPEG encoding through libavcodec's mjpeg encoder. Taking a still costs the encode thread one frame
// reference; the JPEG is encoded on the caller's thread, so the recording never waits for it.
// Invariants:
//  1. The frame is a new reference to the encoder's own frame (av_frame_ref): no copy of the camera, no
//     second capture, and nothing the encoder sees changes.
//  2. encode_jpeg accepts the 4:2:0, 4:2:2 and 4:4:4 planar formats the mjpeg encoder can take and refuses any
//     other with an error naming the format; it never converts silently.
#pragma once

#include "common/core/bytes.hpp"
#include "firmware/media/av_handles.hpp"
#include "firmware/media/media_time.hpp"

#include <chrono>
#include <cstdint>

namespace bodycam::firmware::media {

struct still_frame {
  av_frame_ptr frame;
  std::int64_t pts = 0;  // in base
  timebase base{};
  std::chrono::system_clock::time_point captured_utc{};
};

// JPEG bytes of `frame` at `quality` (1 best … 31 worst, the mjpeg encoder's qscale).
[[nodiscard]] common::core::expected<common::core::byte_buffer> encode_jpeg(const AVFrame& frame, int quality = 3);

}  // namespace bodycam::firmware::media
