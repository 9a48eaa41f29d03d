#include "firmware/media/frame_clock.hpp"

namespace bodycam::firmware::media {

std::int64_t frame_clock::start_ticks() const noexcept {
  return media_time::from_chrono(timeline_start).rescaled(output_).ticks;
}

stamped_frame frame_clock::stamp(const media_time& source_time) noexcept {
  if (!origin_) origin_ = source_time;  // invariant 1
  stamped_frame out;
  out.pts = start_ticks() + ticks_between(*origin_, source_time, output_);
  if (last_) {
    if (out.pts <= *last_) {
      out.pts = *last_ + 1;  // invariant 2
      out.fixed_up = true;
    } else if (out.pts > *last_ + 1) {
      out.missing_frames = static_cast<std::uint64_t>(out.pts - *last_ - 1);  // invariant 3
    }
  }
  last_ = out.pts;
  return out;
}

}  // namespace bodycam::firmware::media
