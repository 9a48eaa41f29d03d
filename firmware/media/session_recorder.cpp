#include "firmware/media/session_recorder.hpp"

namespace bodycam::firmware::media {

namespace core = common::core;

packet_meta describe_packet(const AVPacket& packet, track_kind track, timebase base) noexcept {
  packet_meta meta;
  meta.track = track;
  meta.is_keyframe = (packet.flags & AV_PKT_FLAG_KEY) != 0;
  meta.pts = packet.pts;
  meta.dts = packet.dts;
  meta.duration = packet.duration;
  meta.base = base;
  meta.bytes = static_cast<std::size_t>(packet.size);
  return meta;
}

session_recorder::session_recorder(const pipeline_config& config, segment_sink& sink, segment_storage& storage,
                                   std::vector<stream_spec> streams, std::function<void()> request_keyframe)
    : config_(config),
      sink_(sink, counters_),
      storage_(storage),
      streams_(std::move(streams)),
      request_keyframe_(std::move(request_keyframe)),
      ring_(pre_event_limits{config.pre_event.duration, config.pre_event.keep_audio, config.pre_event.max_bytes}),
      policy_(config.segment.duration) {}

pipeline_transition session_recorder::transition(pipeline_input input) noexcept {
  const auto t = next_transition(state_, input);
  if (t.action != pipeline_action::reject) state_ = t.next;
  return t;
}

core::status session_recorder::start(std::string session_id) {
  if (auto ok = validate_session_id(session_id); !ok) return ok;
  const pipeline_state before = state_;
  if (transition(pipeline_input::start).action == pipeline_action::reject)
    return core::fail(core::errc::conflict,
                      "start session " + session_id + ": the pipeline is " + std::string(to_string(before)));
  session_id_ = std::move(session_id);
  next_index_ = 0;
  sealed_duration_ = std::chrono::microseconds(0);
  policy_.reset();
  first_segment_pending_ = true;
  pre_event_start_ = ring_.oldest_start();
  live_start_ = last_video_end_;
  pre_event_ = ring_.take_all();
  return {};
}

core::status session_recorder::write_pre_event() {
  // Invariant 2: the ring's GOPs open the session, untouched.
  auto entries = std::move(pre_event_);
  pre_event_.clear();
  for (auto& entry : entries)
    if (auto ok = write_recording(packet_item{std::move(entry.payload), entry.meta}); !ok) return ok;
  return {};
}

core::status session_recorder::stop(close_reason reason) {
  const pipeline_state before = state_;
  const auto t = transition(pipeline_input::stop);
  if (t.action == pipeline_action::reject)
    return core::fail(core::errc::conflict, "stop: the pipeline is " + std::string(to_string(before)));
  auto sealed = seal_segment(reason);
  session_id_.reset();
  policy_.reset();
  return sealed;
}

core::status session_recorder::on_packet(packet_item item) {
  if (item.meta.track == track_kind::video) last_video_end_ = item.meta.end();
  switch (state_) {
    case pipeline_state::buffering:
      ring_.push(item.meta, std::move(item.packet));  // refusals and age-outs are counted by the ring
      return {};
    case pipeline_state::recording: return write_recording(std::move(item));
    case pipeline_state::finished:
    case pipeline_state::failed: break;
  }
  return core::fail(core::errc::conflict, "write packet: the pipeline is " + std::string(to_string(state_)));
}

core::status session_recorder::write_recording(packet_item item) {
  const auto decision = policy_.on_packet(item.meta);
  switch (decision.action) {
    case segment_action::discard: ++counters_.packets_before_keyframe; return {};
    case segment_action::cut_then_write: {
      transition(pipeline_input::rollover);
      if (auto ok = seal_segment(close_reason::rollover); !ok) return ok;
      break;
    }
    case segment_action::write: break;
  }
  if (decision.request_keyframe && request_keyframe_) request_keyframe_();
  if (!writer_)
    if (auto ok = open_segment(item.meta); !ok) return ok;
  if (auto ok = writer_->write(item.meta.track, *item.packet); !ok) return ok;
  ++counters_.packets_written;
  return {};
}

core::status session_recorder::open_segment(const packet_meta& first) {
  segment_writer_options options;
  options.write_mfra = config_.segment.write_mfra;
  options.encryption = config_.encryption;
  if (first_segment_pending_) {
    options.pre_event_start = pre_event_start_ ? pre_event_start_ : std::optional<media_time>(first.start());
    options.live_start = live_start_ ? live_start_ : std::optional<media_time>(first.start());
    first_segment_pending_ = false;
  }
  segment_identity identity{*session_id_, next_index_, config_.output_dir, config_.device_id, config_.officer_id};
  auto writer = segment_writer::open(storage_, sink_, std::move(identity), streams_, options);
  if (!writer) return std::unexpected(writer.error());
  writer_ = std::move(*writer);
  ++next_index_;
  return {};
}

core::status session_recorder::seal_segment(close_reason reason) {
  if (!writer_) return {};  // no keyframe arrived yet: nothing was opened
  auto sealed = writer_->seal(reason);
  if (!sealed) return std::unexpected(sealed.error());
  sealed_duration_ += writer_->video_duration();
  writer_.reset();
  return {};
}

core::status session_recorder::finish(close_reason reason) {
  const pipeline_state before = state_;
  transition(pipeline_input::source_ended);
  if (before != pipeline_state::recording) return {};
  return seal_segment(reason);
}

void session_recorder::fail(const core::error& error) {
  const pipeline_state before = state_;
  transition(pipeline_input::fault);
  if (before != pipeline_state::recording || !writer_) return;
  // Invariant 3. A healthy writer (the fault was in capture or encoding) seals normally; one that failed
  // refuses seal() and is cut back to its last durable fragment instead.
  const close_reason reason = error.code == core::errc::no_space ? close_reason::storage_full : close_reason::fault;
  if (!writer_->is_sealed() && !writer_->seal(reason)) {
    if (auto salvaged = writer_->seal_after_failure(reason); !salvaged)
      sink_.on_pipeline_event(pipeline_event{pipeline_event_kind::fault, "seal segment " + writer_->file_name(), 0,
                                             std::chrono::microseconds(0), salvaged.error()});
  }
  writer_.reset();
}

void session_recorder::fill_status(pipeline_status& status) const {
  status.state = state_;
  status.session_id = session_id_;
  status.segment_file = writer_ ? std::optional<std::string>(writer_->file_name()) : std::nullopt;
  status.segment_index = next_index_ == 0 ? 0 : next_index_ - 1;
  status.session_recorded = sealed_duration_ + (writer_ ? writer_->video_duration() : std::chrono::microseconds(0));
  status.pre_event_buffered = ring_.covered();
  // Only the counters this stage owns; capture counters are the pipeline's.
  status.counters.packets_written = counters_.packets_written;
  status.counters.packets_before_keyframe = counters_.packets_before_keyframe;
  status.counters.pre_event_dropped = ring_.dropped();
  status.counters.pre_event_refused = ring_.refused();
  status.counters.fragments_durable = counters_.fragments_durable;
  status.counters.segments_sealed = counters_.segments_sealed;
  status.counters.bytes_durable = counters_.bytes_durable;
}

}  // namespace bodycam::firmware::media
