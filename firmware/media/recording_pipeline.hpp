// The camera's media pipeline as one object the daemon drives: open (inputs, encoders, threads; state
// buffering, pre-event ring filling), start(session), stop(reason), shutdown(reason), status(). Results go to
// the daemon's segment_sink, each only after the data is durable (segment_sink.hpp).
//
// Threads (README.md, "Threads and back-pressure"):
//   video capture ─► [video_frames] ─► video encode ─► [video_packets] ─┐
//   audio capture ─► [audio_frames] ─► audio encode ─► [audio_packets] ─┴─► writer (session_recorder, sink)
// Pass-through video skips the encode thread: capture pushes packets to video_packets.
//
// Invariants:
//  1. Queues are bounded and block when full; every blocked push is counted and reported to the sink as a
//     back_pressure event (at most once per report interval per queue, counts summed). Nothing is dropped
//     between capture and disk; frames a live device drops while we are blocked show up as source_gap.
//  2. The writer takes packets in timeline order across tracks (smallest dts first), waiting for the other
//     track unless that track has ended or its queue is full (then it goes on, so a stalled microphone
//     cannot stall the camera).
//  3. stop(reason) seals at the capture time of the call: packets captured before it are written to the
//     session, later ones go to the pre-event ring. It returns once the segment is sealed (or failed).
//  4. A fault in any stage stops the pipeline: capture/encode faults seal the segment normally with reason
//     fault; write faults cut it back to its last durable fragment (reason storage_full or fault). The
//     state becomes failed and the error is reported to the sink and in status().
//  5. The destructor only releases: it stops and joins the threads; an open segment stays `.partial`.
//  6. Sink callbacks run on the writer thread; start/stop/shutdown must not be called from inside them.
#pragma once

#include "firmware/media/pipeline_config.hpp"
#include "firmware/media/pipeline_status.hpp"
#include "firmware/media/segment_sink.hpp"
#include "firmware/media/segment_storage.hpp"
#include "firmware/media/still_image.hpp"

#include <chrono>
#include <memory>
#include <string_view>

namespace bodycam::firmware::media {

class recording_pipeline {
 public:
  [[nodiscard]] static common::core::expected<std::unique_ptr<recording_pipeline>> open(const pipeline_config& config,
                                                                                        segment_sink& sink,
                                                                                        segment_storage& storage);
  recording_pipeline(const recording_pipeline&) = delete;
  recording_pipeline& operator=(const recording_pipeline&) = delete;
  ~recording_pipeline();

  [[nodiscard]] common::core::status start(std::string_view session_id);
  [[nodiscard]] common::core::status stop(close_reason reason);
  // Stops capture, writes what is in flight, seals an open segment with `reason`; state finished (or failed).
  [[nodiscard]] common::core::status shutdown(close_reason reason = close_reason::stop);
  // Shows or hides the "CLOCK NOT SYNCED" OSD marker from the next frame on.
  void set_clock_synced(bool synced) noexcept;
  // The OSD place line ("POS …", "NO FIX") from the next frame on; nothing without osd.place_line.
  void set_place_text(std::string text);
  // The OSD's session line (osd_text.hpp) from the next frame on; ignored without OSD or re-encoding.
  void set_session_line(std::string line);
  // The next frame the video encoder takes, as a still (still_image.hpp); waits at most `timeout`. Fails
  // (unsupported) with pass-through video, which has no decoded frame; (closed) when the pipeline has ended.
  [[nodiscard]] common::core::expected<still_frame> take_still(std::chrono::milliseconds timeout);

  [[nodiscard]] pipeline_status status() const;
  // Waits until the state is finished or failed (a file source ended, or a fault); false on timeout.
  [[nodiscard]] bool wait_until_ended(std::chrono::milliseconds timeout) const;

  class impl;

 private:
  explicit recording_pipeline(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

}  // namespace bodycam::firmware::media
