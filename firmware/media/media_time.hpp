// Media timestamps as the pipeline's pure code sees them: an integer tick count in an exact rational time base
// (what libav calls AVRational), compared exactly, never through floating point. The segment policy and the
// pre-event ring work on these, so they stay free of libav headers and are unit-tested with plain numbers.
// Invariants:
//  1. A timebase is valid when num > 0 and den > 0; media_time comparisons across different time bases are
//     exact (cross-multiplied in 128-bit), so 1/15 s and 1024/15360 s compare equal.
//  2. Conversion to std::chrono rounds toward negative infinity; it is for reporting, never for decisions.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>

namespace bodycam::firmware::media {

struct timebase {
  std::int32_t num = 1;
  std::int32_t den = 1;

  [[nodiscard]] bool is_valid() const noexcept { return num > 0 && den > 0; }
  friend bool operator==(const timebase&, const timebase&) = default;
};

// Which elementary stream a packet belongs to. A segment has one video track and at most one audio track.
enum class track_kind : std::uint8_t { video, audio };

[[nodiscard]] std::string to_string(track_kind kind);

struct media_time {
  std::int64_t ticks = 0;
  timebase base{};

  [[nodiscard]] static media_time from_chrono(std::chrono::microseconds duration) noexcept {
    return media_time{duration.count(), timebase{1, 1'000'000}};
  }
  // Rounded down to whole microseconds (invariant 2).
  [[nodiscard]] std::chrono::microseconds to_chrono() const noexcept;
  // The same instant expressed in another base, rounded down.
  [[nodiscard]] media_time rescaled(timebase target) const noexcept;

  [[nodiscard]] media_time plus(std::int64_t more_ticks) const noexcept { return media_time{ticks + more_ticks, base}; }

  friend std::strong_ordering operator<=>(const media_time& a, const media_time& b) noexcept;
  friend bool operator==(const media_time& a, const media_time& b) noexcept {
    return (a <=> b) == std::strong_ordering::equal;
  }
};

// Exactly whether `to - from >= span` (invariant 1; the bases of from and to may differ).
[[nodiscard]] bool elapsed_at_least(const media_time& from, const media_time& to,
                                    std::chrono::microseconds span) noexcept;
// `to - from`, rounded down to microseconds, for reporting.
[[nodiscard]] std::chrono::microseconds elapsed(const media_time& from, const media_time& to) noexcept;

// `to - from` in ticks of `base`, rounded to the nearest tick (halves away from zero).
[[nodiscard]] std::int64_t ticks_between(const media_time& from, const media_time& to, timebase base) noexcept;

// Where the pipeline's timeline starts: the first video frame has this time, every other timestamp is
// relative to it. It is not zero so that encoder priming (AAC starts 1024 samples before its first input
// sample) never gives a negative timestamp, which the MP4 muxer would otherwise shift per file.
inline constexpr std::chrono::microseconds timeline_start{1'000'000};

// "2.000000 s" style text for messages and status.
[[nodiscard]] std::string to_string(const media_time& t);

}  // namespace bodycam::firmware::media
