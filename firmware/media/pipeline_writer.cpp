// The writer thread of recording_pipeline: takes commands (start, stop, shutdown), merges the two packet queues
// in timeline order, hands packets to the session_recorder, reports back-pressure and faults to the sink, and
// ends the pipeline. Keeps invariants 1-4 of recording_pipeline.hpp (reporting, merge order, stop time, faults).
#include "firmware/media/recording_pipeline_impl.hpp"

namespace bodycam::firmware::media {

namespace core = common::core;
using pipeline_detail::command;
using pipeline_detail::stop_grace;
using pipeline_detail::writer_poll;
using std::chrono::microseconds;
using std::chrono::steady_clock;

// ---- writer --------------------------------------------------------------------------------------------

void recording_pipeline::impl::publish_status() {
  std::lock_guard lock(mutex_);
  recorder_->fill_status(snapshot_);
  changed_.notify_all();
}

void recording_pipeline::impl::finish_stop(core::status result) {
  publish_status();  // the caller of stop() sees the new state as soon as it returns
  pending_stop_->done.set_value(std::move(result));
  pending_stop_.reset();
}

void recording_pipeline::impl::process_commands() {
  std::deque<command> todo;
  {
    std::lock_guard lock(mutex_);
    todo.swap(commands_);
  }
  for (auto& cmd : todo) {
    switch (cmd.what) {
      case command::kind::start: {
        auto result = recorder_->start(cmd.session_id);
        publish_status();
        const bool started = result.has_value();
        cmd.done.set_value(std::move(result));  // answered before any disk write: a slow disk cannot block start()
        if (!started) break;
        if (auto written = recorder_->write_pre_event(); !written) {
          handle_writer_fault(written.error(), 0);
          return;
        }
        break;
      }
      case command::kind::stop:
        if (pending_stop_ || recorder_->state() != pipeline_state::recording) {
          cmd.done.set_value(core::fail(core::errc::conflict, "stop: the pipeline is " +
                                                                  std::string(to_string(recorder_->state())) +
                                                                  (pending_stop_ ? " and already stopping" : "")));
          break;
        }
        pending_stop_ = std::move(cmd);
        last_packet_at_ = steady_clock::now();
        break;
      case command::kind::shutdown:
        if (!shutdown_reason_) shutdown_reason_ = cmd.reason;
        stop_capture_.store(true);
        shutdown_waiters_.push_back(std::move(cmd.done));
        break;
    }
  }
  publish_status();
}

void recording_pipeline::impl::handle_writer_fault(const core::error& e, std::size_t heads_lost) {
  record_fault(e);
  abort_queues();
  recorder_->fail(e);
  std::uint64_t lost = heads_lost + lost_items_.load();
  for (auto* q : {video_frames_.get(), audio_frames_.get()}) lost += q->stats().discarded;
  for (auto* q : {video_packets_.get(), audio_packets_.get()}) lost += q->stats().discarded;
  const auto kind = e.code == core::errc::no_space ? pipeline_event_kind::storage_full : pipeline_event_kind::fault;
  sink_.on_pipeline_event(pipeline_event{kind, "writer", 0, microseconds(0), e});
  if (lost > 0)
    sink_.on_pipeline_event(pipeline_event{pipeline_event_kind::packets_lost, "writer", lost, microseconds(0), e});
  std::lock_guard lock(mutex_);
  snapshot_.counters.packets_lost = lost;
}

void recording_pipeline::impl::report_counters() {
  const std::array<const queue_stats, 4> stats{video_frames_->stats(), audio_frames_->stats(), video_packets_->stats(),
                                               audio_packets_->stats()};
  for (std::size_t i = 0; i < stats.size(); ++i) {
    auto& r = reported_queues_[i];
    if (stats[i].full_events == r.full_events) continue;
    sink_.on_pipeline_event(pipeline_event{pipeline_event_kind::back_pressure,
                                           stats[i].name,
                                           stats[i].full_events - r.full_events,
                                           stats[i].blocked_time - r.blocked,
                                           {}});
    r.full_events = stats[i].full_events;
    r.blocked = stats[i].blocked_time;
  }
  if (const auto gaps = gap_frames_.load(); gaps != reported_gaps_) {
    sink_.on_pipeline_event(pipeline_event{
        pipeline_event_kind::source_gap, video_input_->description(), gaps - reported_gaps_, microseconds(0), {}});
    reported_gaps_ = gaps;
  }
  if (const auto fixups = fixups_.load(); fixups != reported_fixups_) {
    sink_.on_pipeline_event(pipeline_event{pipeline_event_kind::timestamp_fixup,
                                           video_input_->description(),
                                           fixups - reported_fixups_,
                                           microseconds(0),
                                           {}});
    reported_fixups_ = fixups;
  }
}

void recording_pipeline::impl::run_writer() {
  std::array<bounded_queue<packet_item>*, 2> queues{video_packets_.get(), audio_packets_.get()};
  std::array<std::optional<packet_item>, 2> heads;
  std::array<bool, 2> ended{false, false};
  auto last_report = steady_clock::now();
  bool faulted = false;

  while (!destroying_.load()) {
    process_commands();
    if (recorder_->state() == pipeline_state::failed) {
      faulted = true;
      break;
    }
    if (steady_clock::now() - last_report >= config_.queues.report_interval) {
      report_counters();
      last_report = steady_clock::now();
    }
    for (std::size_t t = 0; t < 2; ++t) {
      if (ended[t] || heads[t]) continue;
      packet_item item;
      const auto r = queues[t]->pop_for(item, writer_poll);
      if (r == pop_result::item)
        heads[t] = std::move(item);
      else if (r == pop_result::closed)
        ended[t] = true;
    }
    if (ended[0] && ended[1] && !heads[0] && !heads[1]) break;

    // Invariant 2: smallest decode time first; go on without a track only if it ended or the other is full.
    std::optional<std::size_t> pick;
    const bool video_waits = !ended[0] && !heads[0];
    const bool audio_waits = !ended[1] && !heads[1];
    if (heads[0] && heads[1])
      pick = heads[1]->meta.decode_time() < heads[0]->meta.decode_time() ? 1 : 0;
    else if (heads[0] && (!audio_waits || queues[0]->waiting_producers() > 0))
      pick = 0;
    else if (heads[1] && (!video_waits || queues[1]->waiting_producers() > 0))
      pick = 1;
    if (!pick) {
      if (pending_stop_ && steady_clock::now() - last_packet_at_ > stop_grace)
        finish_stop(recorder_->stop(pending_stop_->reason));
      continue;
    }
    packet_item item = std::move(*heads[*pick]);
    heads[*pick].reset();
    last_packet_at_ = steady_clock::now();
    // Invariant 3: the first packet at or after the stop time belongs to the ring, not the session.
    if (pending_stop_ && !(item.meta.start() < pending_stop_->stop_at)) {
      auto stopped = recorder_->stop(pending_stop_->reason);
      const bool failed = !stopped;
      const auto error = failed ? std::optional<core::error>(stopped.error()) : std::nullopt;
      finish_stop(std::move(stopped));
      if (failed) {
        handle_writer_fault(*error, 1 + (heads[0] ? 1u : 0u) + (heads[1] ? 1u : 0u));
        faulted = true;
        break;
      }
    }
    if (auto ok = recorder_->on_packet(std::move(item)); !ok) {
      handle_writer_fault(ok.error(), 1 + (heads[0] ? 1u : 0u) + (heads[1] ? 1u : 0u));
      faulted = true;
      break;
    }
    publish_status();
  }

  core::status result;
  if (!destroying_.load() && !faulted) {
    std::optional<core::error> fault;
    {
      std::lock_guard lock(mutex_);
      fault = fault_;
    }
    if (pending_stop_) finish_stop(recorder_->stop(pending_stop_->reason));
    if (fault) {
      // Invariant 4: a capture or encode fault; the writer is healthy and seals normally.
      recorder_->fail(*fault);
      sink_.on_pipeline_event(pipeline_event{pipeline_event_kind::fault, "capture/encode", 0, microseconds(0), fault});
      result = std::unexpected(*fault);
    } else {
      if (source_ended_.load())
        sink_.on_pipeline_event(
            pipeline_event{pipeline_event_kind::source_ended, video_input_->description(), 0, microseconds(0), {}});
      result = recorder_->finish(shutdown_reason_.value_or(close_reason::stop));
      if (!result) handle_writer_fault(result.error(), 0);
    }
  } else if (faulted) {
    std::lock_guard lock(mutex_);
    result = std::unexpected(fault_.value_or(core::error{core::errc::internal, "pipeline failed"}));
  }
  if (pending_stop_) finish_stop(core::fail(core::errc::closed, "stop: the pipeline ended first"));
  report_counters();
  process_commands();  // answer what arrived meanwhile (start/stop are refused by the final state)
  {
    std::lock_guard lock(mutex_);
    recorder_->fill_status(snapshot_);
    writer_done_ = true;
    final_result_ = result;
    for (auto& c : commands_) c.done.set_value(core::fail(core::errc::closed, "the pipeline has ended"));
    commands_.clear();
    changed_.notify_all();
  }
  for (auto& waiter : shutdown_waiters_) waiter.set_value(result);
}

}  // namespace bodycam::firmware::media
