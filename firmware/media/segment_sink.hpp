// The port through which the pipeline hands its results to the daemon (ledger rows, signed records, logs).
// Every call comes from the pipeline's writer thread, in this order per segment:
//   on_segment_opened → on_fragment_durable × n → on_segment_sealed
// and only after the data it describes is durable:
//   on_segment_opened    after ftyp+moov are written and fdatasync'd in `<name>.partial`, and its directory fsync'd
//   on_fragment_durable  after the fragment's bytes are written and fdatasync'd
//   on_segment_sealed    after the trailer (if any), fsync, rename `.partial` → final name, fsync directory
// on_pipeline_event reports back-pressure, source gaps and faults (what the daemon records as events).
// A sink must not throw and must not call back into the pipeline (start/stop/shutdown) from a callback: the
// writer thread is waiting for it. While a callback runs the queues absorb the delay (counted back-pressure).
#pragma once

#include "common/core/error.hpp"
#include "firmware/media/segment_summary.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace bodycam::firmware::media {

enum class pipeline_event_kind : std::uint8_t {
  back_pressure,    // a producer found a queue full and waited; `count` pushes since the last report
  source_gap,       // the source skipped timestamps: `count` frames missing (kernel or device drops)
  timestamp_fixup,  // `count` frames arrived with a non-increasing timestamp and were moved one tick later
  source_ended,     // a file source reached its end (no loop); the pipeline finishes
  fault,            // a stage failed; `error` says what and where; the pipeline stops
  storage_full,     // a write or sync failed for lack of space; the segment is sealed truncated
  packets_lost,     // `count` encoded packets could not be written after a fault (they were only in RAM)
};

[[nodiscard]] std::string_view to_string(pipeline_event_kind kind) noexcept;

struct pipeline_event {
  pipeline_event_kind kind = pipeline_event_kind::fault;
  std::string where;  // queue or stage name: "video_frames", "write segment S-000002.mp4"
  std::uint64_t count = 0;
  std::chrono::microseconds waited{0};  // back_pressure: time producers spent blocked since the last report
  std::optional<common::core::error> error;
};

class segment_sink {
 public:
  virtual ~segment_sink() = default;
  virtual void on_segment_opened(const segment_opened& info) = 0;
  virtual void on_fragment_durable(const fragment_info& info) = 0;
  virtual void on_segment_sealed(const segment_summary& summary) = 0;
  virtual void on_pipeline_event(const pipeline_event& event) = 0;
};

}  // namespace bodycam::firmware::media
