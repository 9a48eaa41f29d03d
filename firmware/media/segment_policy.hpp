// When to cut a session into segments. Pure: it sees packet metadata in write order and answers, for each
// packet, whether the current segment must be sealed before it is written. The pipeline does the cutting.
// Invariants:
//  1. A segment starts with a video keyframe: before the first keyframe of a session every packet is
//     answered `discard` (nothing can decode without it), and a cut only ever happens before a keyframe.
//  2. A cut happens before the first video keyframe whose pts is at least `target` after the pts of the
//     segment's first keyframe; so with a GOP that divides the target, every segment lasts exactly `target`.
//  3. Every packet after the first keyframe is answered `write` or `cut_then_write`: nothing is dropped at a
//     cut, the packet that triggers the cut becomes the first packet of the next segment.
//  4. If `target` has passed and the packet is not a keyframe, `request_keyframe` is set once per segment,
//     so an encoder with a long or irregular GOP can be asked to make one; a pass-through source ignores it.
#pragma once

#include "firmware/media/packet_meta.hpp"

#include <chrono>
#include <optional>

namespace bodycam::firmware::media {

enum class segment_action : std::uint8_t { discard, write, cut_then_write };

struct segment_decision {
  segment_action action = segment_action::write;
  bool request_keyframe = false;
};

class segment_policy {
 public:
  explicit segment_policy(std::chrono::microseconds target) noexcept : target_(target) {}

  [[nodiscard]] segment_decision on_packet(const packet_meta& packet) noexcept;
  // Forget the current segment: the next session begins at its first keyframe again.
  void reset() noexcept;

  [[nodiscard]] std::chrono::microseconds target() const noexcept { return target_; }
  // The pts of the current segment's first keyframe, if a segment is open.
  [[nodiscard]] std::optional<media_time> segment_start() const noexcept { return segment_start_; }

 private:
  std::chrono::microseconds target_;
  std::optional<media_time> segment_start_;
  bool keyframe_requested_ = false;
};

}  // namespace bodycam::firmware::media
