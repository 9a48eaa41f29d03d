#include "firmware/media/segment_policy.hpp"

namespace bodycam::firmware::media {

segment_decision segment_policy::on_packet(const packet_meta& packet) noexcept {
  if (!segment_start_) {
    // Invariant 1: wait for the keyframe that can open the first segment.
    if (!packet.starts_gop()) return segment_decision{segment_action::discard, false};
    segment_start_ = packet.start();
    keyframe_requested_ = false;
    return segment_decision{segment_action::write, false};
  }
  const bool target_reached = elapsed_at_least(*segment_start_, packet.start(), target_);
  if (packet.starts_gop() && target_reached) {
    // Invariants 2 and 3: seal before this keyframe; it opens the next segment.
    segment_start_ = packet.start();
    keyframe_requested_ = false;
    return segment_decision{segment_action::cut_then_write, false};
  }
  segment_decision decision{segment_action::write, false};
  if (target_reached && packet.track == track_kind::video && !keyframe_requested_) {
    keyframe_requested_ = true;  // invariant 4
    decision.request_keyframe = true;
  }
  return decision;
}

void segment_policy::reset() noexcept {
  segment_start_.reset();
  keyframe_requested_ = false;
}

}  // namespace bodycam::firmware::media
