// The writer stage's logic, without threads: it receives encoded packets in write order and commands (start,
// stop, end, fault), keeps the pre-event ring while buffering, and while recording cuts the session into
// segments by the segment policy and writes them with segment_writer. State changes follow the table in
// pipeline_state.hpp; recording_pipeline runs one session_recorder on its writer thread.
// Invariants:
//  1. Every packet is either in the ring, written to exactly one segment, or counted (aged out of the ring,
//     before the first keyframe of a session, or lost in a write fault); none vanishes uncounted.
//  2. A session's first segment begins with the ring's contents (GOP-aligned, timestamps untouched), then
//     live packets; consecutive segments of a session are contiguous per track (policy invariant 3).
//  3. After any failure of the segment writer, the segment is sealed by seal_after_failure (cut back to its
//     last durable fragment) with close reason storage_full (no space) or fault, and the state is failed.
#pragma once

#include "firmware/media/av_handles.hpp"
#include "firmware/media/packet_meta.hpp"
#include "firmware/media/pipeline_config.hpp"
#include "firmware/media/pipeline_state.hpp"
#include "firmware/media/pipeline_status.hpp"
#include "firmware/media/pre_event_ring.hpp"
#include "firmware/media/segment_policy.hpp"
#include "firmware/media/segment_writer.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::firmware::media {

struct packet_item {
  av_packet_ptr packet;
  packet_meta meta;
};

// Fills meta from the packet's fields (track and time base given).
[[nodiscard]] packet_meta describe_packet(const AVPacket& packet, track_kind track, timebase base) noexcept;

class session_recorder {
 public:
  session_recorder(const pipeline_config& config, segment_sink& sink, segment_storage& storage,
                   std::vector<stream_spec> streams, std::function<void()> request_keyframe);
  session_recorder(const session_recorder&) = delete;
  session_recorder& operator=(const session_recorder&) = delete;
  session_recorder(session_recorder&&) = delete;
  session_recorder& operator=(session_recorder&&) = delete;
  ~session_recorder() = default;

  // Begins a session (state recording); the pre-event packets wait for write_pre_event(), so that the caller
  // can be answered before any disk write.
  [[nodiscard]] common::core::status start(std::string session_id);
  [[nodiscard]] common::core::status write_pre_event();
  [[nodiscard]] common::core::status stop(close_reason reason);
  [[nodiscard]] common::core::status on_packet(packet_item item);
  // End of the packet stream (source ended or shutdown): seal with `reason` if recording; state finished.
  [[nodiscard]] common::core::status finish(close_reason reason);
  // A stage failed (`error`); seal what can be sealed (invariant 3); state failed.
  void fail(const common::core::error& error);

  [[nodiscard]] pipeline_state state() const noexcept { return state_; }
  // Fills the fields this stage knows: state, session, segment, recorded, pre-event, its counters.
  void fill_status(pipeline_status& status) const;
  [[nodiscard]] std::optional<media_time> last_video_end() const noexcept { return last_video_end_; }

 private:
  [[nodiscard]] common::core::status write_recording(packet_item item);
  [[nodiscard]] common::core::status open_segment(const packet_meta& first);
  [[nodiscard]] common::core::status seal_segment(close_reason reason);
  pipeline_transition transition(pipeline_input input) noexcept;  // applies the table; the result says what to do

  // Forwards to the daemon's sink and counts what it forwards (fragments, bytes, segments).
  class counting_sink final : public segment_sink {
   public:
    counting_sink(segment_sink& inner, pipeline_counters& counters) : inner_(inner), counters_(counters) {}
    void on_segment_opened(const segment_opened& info) override { inner_.on_segment_opened(info); }
    void on_fragment_durable(const fragment_info& info) override {
      ++counters_.fragments_durable;
      counters_.bytes_durable += info.length;
      inner_.on_fragment_durable(info);
    }
    void on_segment_sealed(const segment_summary& summary) override {
      ++counters_.segments_sealed;
      inner_.on_segment_sealed(summary);
    }
    void on_pipeline_event(const pipeline_event& event) override { inner_.on_pipeline_event(event); }

   private:
    segment_sink& inner_;
    pipeline_counters& counters_;
  };

  const pipeline_config& config_;
  pipeline_counters counters_;
  counting_sink sink_;
  segment_storage& storage_;
  std::vector<stream_spec> streams_;
  std::function<void()> request_keyframe_;
  pipeline_state state_ = pipeline_state::buffering;
  pre_event_ring<av_packet_ptr> ring_;
  segment_policy policy_;
  std::unique_ptr<segment_writer> writer_;
  std::optional<std::string> session_id_;
  std::uint32_t next_index_ = 0;
  bool first_segment_pending_ = false;
  std::optional<media_time> pre_event_start_;
  std::optional<media_time> live_start_;
  std::optional<media_time> last_video_end_;
  std::vector<pre_event_ring<av_packet_ptr>::entry> pre_event_;  // taken from the ring at start
  std::chrono::microseconds sealed_duration_{0};
};

}  // namespace bodycam::firmware::media
