// Puts source timestamps on the pipeline's timeline. Pure: the capture stage feeds it each frame's source
// timestamp (any time base, any origin) and gets the frame's pts in the encoder's time base (1/fps for video).
// Invariants:
//  1. The first frame gets exactly timeline_start; later frames get timeline_start + (their source time - the
//     first frame's source time), rounded to the nearest tick.
//  2. Output pts strictly increase: a frame that would not advance is moved to last + 1 and counted as a fixup.
//  3. A jump of more than one tick counts the frames missing in between as a gap (the source dropped them);
//     the timeline keeps the jump, so durations stay true.
#pragma once

#include "firmware/media/media_time.hpp"

#include <cstdint>
#include <optional>

namespace bodycam::firmware::media {

struct stamped_frame {
  std::int64_t pts = 0;
  std::uint64_t missing_frames = 0;  // invariant 3
  bool fixed_up = false;             // invariant 2
};

class frame_clock {
 public:
  explicit frame_clock(timebase output) noexcept : output_(output) {}

  [[nodiscard]] stamped_frame stamp(const media_time& source_time) noexcept;
  [[nodiscard]] std::optional<std::int64_t> last_pts() const noexcept { return last_; }
  [[nodiscard]] timebase output() const noexcept { return output_; }
  [[nodiscard]] std::int64_t start_ticks() const noexcept;

 private:
  timebase output_;
  std::optional<media_time> origin_;
  std::optional<std::int64_t> last_;
};

}  // namespace bodycam::firmware::media
