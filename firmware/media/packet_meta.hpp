// What the pure parts of the pipeline (segment policy, pre-event ring) need to know about an encoded packet:
// its track, whether it starts a GOP, its timestamps and its size. No payload, no libav types: the pipeline
// copies these fields out of each AVPacket, and unit tests write them by hand.
// Invariants:
//  1. pts, dts and duration are ticks of `base`; duration >= 0.
//  2. is_keyframe is meaningful for video only; every audio packet is independently decodable.
#pragma once

#include "firmware/media/media_time.hpp"

#include <cstddef>
#include <cstdint>

namespace bodycam::firmware::media {

struct packet_meta {
  track_kind track = track_kind::video;
  bool is_keyframe = false;
  std::int64_t pts = 0;
  std::int64_t dts = 0;
  std::int64_t duration = 0;
  timebase base{};
  std::size_t bytes = 0;

  [[nodiscard]] media_time start() const noexcept { return media_time{pts, base}; }
  [[nodiscard]] media_time end() const noexcept { return media_time{pts + duration, base}; }
  [[nodiscard]] media_time decode_time() const noexcept { return media_time{dts, base}; }
  [[nodiscard]] bool starts_gop() const noexcept { return track == track_kind::video && is_keyframe; }
};

}  // namespace bodycam::firmware::media
