// The pre-event buffer: while no session is recording, the last N seconds of encoded packets are kept in RAM,
// in whole GOPs, so that a session can begin with what happened just before the officer pressed record.
// Pure and generic over the payload (the pipeline stores owned AVPackets, unit tests store strings).
//
// Invariants:
//  1. GOP-aligned: the ring is empty or its first entry is a video keyframe. A video packet that is not a
//     keyframe and arrives while no GOP is open is refused (counted in refused()).
//  2. Duration bound: after every push, the oldest GOP is dropped while the GOPs after it still cover at
//     least `duration` of video (measured from the second GOP's keyframe pts to the newest video end), so the
//     ring covers at least min(duration, what was captured) and less than duration + one GOP. The newest GOP
//     is never dropped for the duration bound, so duration 0 keeps the current GOP only.
//  3. Byte bound: the oldest GOP is also dropped while the ring holds more than `max_bytes`, but never the
//     newest GOP (a single GOP larger than max_bytes is kept whole).
//  4. Entries keep their metadata (timestamps, time base) and come out of take_all() in push order, unchanged.
//  5. Audio is kept only if `keep_audio`; it rides with the GOP open when it arrives and is dropped with it.
#pragma once

#include "firmware/media/packet_meta.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

namespace bodycam::firmware::media {

struct pre_event_limits {
  std::chrono::microseconds duration = std::chrono::seconds(30);
  bool keep_audio = false;
  std::size_t max_bytes = std::size_t{64} * 1024 * 1024;
};

template <class Payload>
class pre_event_ring {
 public:
  struct entry {
    packet_meta meta;
    Payload payload;
  };

  explicit pre_event_ring(pre_event_limits limits) : limits_(limits) {}

  // Returns true if the packet was kept, false if refused by invariant 1 or 5.
  bool push(const packet_meta& meta, Payload payload) {
    if (meta.track == track_kind::audio) {
      if (!limits_.keep_audio || gops_.empty()) {
        ++refused_;
        return false;
      }
    } else if (meta.is_keyframe) {
      gops_.push_back(gop{entries_.size() + first_index_, meta.start()});
    } else if (gops_.empty()) {
      ++refused_;  // invariant 1
      return false;
    }
    if (meta.track == track_kind::video && (!newest_video_end_ || *newest_video_end_ < meta.end()))
      newest_video_end_ = meta.end();
    bytes_ += meta.bytes;
    entries_.push_back(entry{meta, std::move(payload)});
    trim();
    return true;
  }

  // Everything held, oldest first; the ring is empty afterwards.
  [[nodiscard]] std::vector<entry> take_all() {
    std::vector<entry> out;
    out.reserve(entries_.size());
    for (auto& e : entries_) out.push_back(std::move(e));
    clear();
    return out;
  }

  void clear() {
    first_index_ += entries_.size();
    entries_.clear();
    gops_.clear();
    bytes_ = 0;
    newest_video_end_.reset();
  }

  // Video time covered: from the first keyframe's pts to the newest video packet's end.
  [[nodiscard]] std::chrono::microseconds covered() const noexcept {
    if (gops_.empty() || !newest_video_end_) return std::chrono::microseconds(0);
    return elapsed(gops_.front().start, *newest_video_end_);
  }
  [[nodiscard]] std::optional<media_time> oldest_start() const {
    if (gops_.empty()) return std::nullopt;
    return gops_.front().start;
  }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
  [[nodiscard]] std::size_t gop_count() const noexcept { return gops_.size(); }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }
  [[nodiscard]] std::uint64_t refused() const noexcept { return refused_; }
  [[nodiscard]] const pre_event_limits& limits() const noexcept { return limits_; }

 private:
  struct gop {
    std::size_t first;  // absolute index (first_index_ based) of its keyframe
    media_time start;
  };

  void trim() {
    while (gops_.size() > 1) {
      const bool over_duration = elapsed_at_least(gops_[1].start, *newest_video_end_, limits_.duration);  // 2
      const bool over_bytes = bytes_ > limits_.max_bytes;                                                 // 3
      if (!over_duration && !over_bytes) break;
      drop_oldest_gop();
    }
  }

  void drop_oldest_gop() {
    const std::size_t count = gops_[1].first - gops_[0].first;
    for (std::size_t i = 0; i < count; ++i) {
      bytes_ -= entries_.front().meta.bytes;
      entries_.pop_front();
      ++dropped_;
    }
    first_index_ += count;
    gops_.pop_front();
  }

  pre_event_limits limits_;
  std::deque<entry> entries_;
  std::deque<gop> gops_;
  std::size_t first_index_ = 0;  // absolute index of entries_.front()
  std::size_t bytes_ = 0;
  std::optional<media_time> newest_video_end_;
  std::uint64_t dropped_ = 0;
  std::uint64_t refused_ = 0;
};

}  // namespace bodycam::firmware::media
