// What recording_pipeline::status() reports: the state, the session and segment being written, how much has
// been captured and recorded, and every counter the back-pressure and fault rules promise (README.md,
// "Threads and back-pressure"). A copy taken under a lock: consistent with itself, stale a moment later.
#pragma once

#include "common/core/error.hpp"
#include "firmware/media/bounded_queue.hpp"
#include "firmware/media/pipeline_state.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::firmware::media {

struct pipeline_counters {
  std::uint64_t video_frames_captured = 0;  // frames (or pass-through packets) read from the video source
  std::uint64_t audio_frames_captured = 0;
  std::uint64_t source_gap_frames = 0;        // frames the video source skipped (timestamp jumps)
  std::uint64_t timestamp_fixups = 0;         // frames moved one tick later to keep pts increasing
  std::uint64_t packets_written = 0;          // to segments
  std::uint64_t packets_before_keyframe = 0;  // at a session start with an empty ring: before the first keyframe
  std::uint64_t pre_event_dropped = 0;        // aged out of the pre-event ring while idle: its purpose, not a loss
  std::uint64_t pre_event_refused = 0;        // not kept by the ring: audio (video-only ring), or before a keyframe
  std::uint64_t fragments_durable = 0;
  std::uint64_t segments_sealed = 0;
  std::uint64_t bytes_durable = 0;
  std::uint64_t packets_lost = 0;  // in RAM when a write fault stopped the pipeline
};

struct pipeline_status {
  pipeline_state state = pipeline_state::buffering;
  std::optional<std::string> session_id;
  std::optional<std::string> segment_file;  // final name of the segment being written
  std::uint32_t segment_index = 0;
  std::chrono::microseconds session_recorded{0};  // video time written in this session
  std::chrono::microseconds captured{0};          // video time captured since the pipeline opened
  std::chrono::microseconds pre_event_buffered{0};
  pipeline_counters counters;
  std::vector<queue_stats> queues;
  std::optional<common::core::error> last_error;
};

}  // namespace bodycam::firmware::media
