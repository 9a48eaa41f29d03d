#include "firmware/media/frame_clock.hpp"
#include "firmware/media/recording_pipeline_impl.hpp"

#include <unistd.h>

#include <cerrno>

namespace bodycam::firmware::media {

namespace core = common::core;
using pipeline_detail::command;
using pipeline_detail::frame_item;
using std::chrono::microseconds;
using std::chrono::steady_clock;

core::status recording_pipeline::impl::open() {
  if (auto ok = validate(config_); !ok) return ok;
  // Neither the OSD nor the segments' comment may carry an officer id the configuration hides.
  if (!config_.osd.show_officer) config_.officer_id.clear();
  if (auto ok = storage_.check_writable(config_.output_dir); !ok) return ok;
  if (config_.osd.enabled && ::access(config_.osd.font_file.c_str(), R_OK) != 0)
    return core::fail_errno("read osd.font_file", config_.osd.font_file, errno);

  const bool pass_through = config_.encoder.is_pass_through();
  auto video = media_input::open(config_.source.video, track_kind::video, !pass_through,
                                 input_hints{config_.encoder.fps}, stop_capture_);
  if (!video) return std::unexpected(video.error());
  video_input_ = std::move(*video);
  if (config_.source.audio) {
    auto audio = media_input::open(*config_.source.audio, track_kind::audio, true, input_hints{config_.encoder.fps},
                                   stop_capture_);
    if (!audio) return std::unexpected(audio.error());
    audio_input_ = std::move(*audio);
  }

  video_parameters_.reset(avcodec_parameters_alloc());
  if (!video_parameters_) return core::fail(core::errc::internal, "allocate codec parameters: out of memory");
  if (pass_through) {
    const AVCodecParameters* p = video_input_->parameters();
    if ((p->codec_id != AV_CODEC_ID_H264 && p->codec_id != AV_CODEC_ID_HEVC) || p->extradata_size <= 0)
      return core::fail(core::errc::unsupported, "pass-through of " + video_input_->description() +
                                                     ": needs H.264/H.265 with parameter sets "
                                                     "in the stream header (got " +
                                                     avcodec_get_name(p->codec_id) +
                                                     (p->extradata_size > 0 ? "" : " without them") +
                                                     "); configure an encoder instead of 'copy'");
    if (const int ret = avcodec_parameters_copy(video_parameters_.get(), p); ret < 0)
      return fail_av("copy codec parameters of", video_input_->description(), ret);
    video_packet_base_ = video_input_->stream_base();
  } else {
    auto encoder = video_encoder::open(config_);
    if (!encoder) return std::unexpected(encoder.error());
    video_encoder_ = std::move(*encoder);
    if (const int ret = avcodec_parameters_from_context(video_parameters_.get(), &video_encoder_->context()); ret < 0)
      return fail_av("read codec parameters of", config_.encoder.video_encoder, ret);
    video_packet_base_ = video_encoder_->packet_base();
  }
  std::vector<stream_spec> streams{stream_spec{track_kind::video, video_parameters_.get(), video_packet_base_}};
  if (audio_input_) {
    auto encoder = audio_encoder::open(config_.encoder);
    if (!encoder) return std::unexpected(encoder.error());
    audio_encoder_ = std::move(*encoder);
    audio_parameters_.reset(avcodec_parameters_alloc());
    if (!audio_parameters_) return core::fail(core::errc::internal, "allocate codec parameters: out of memory");
    if (const int ret = avcodec_parameters_from_context(audio_parameters_.get(), &audio_encoder_->context()); ret < 0)
      return fail_av("read codec parameters of", config_.encoder.audio_encoder, ret);
    audio_packet_base_ = audio_encoder_->packet_base();
    streams.push_back(stream_spec{track_kind::audio, audio_parameters_.get(), audio_packet_base_});
  }

  const auto& q = config_.queues;
  video_frames_ = std::make_unique<bounded_queue<frame_item>>("video_frames", q.video_frames);
  audio_frames_ = std::make_unique<bounded_queue<frame_item>>("audio_frames", q.audio_frames);
  video_packets_ = std::make_unique<bounded_queue<packet_item>>("video_packets", q.video_packets);
  audio_packets_ = std::make_unique<bounded_queue<packet_item>>("audio_packets", q.audio_packets);
  auto* keyframe_target = video_encoder_.get();
  recorder_ = std::make_unique<session_recorder>(config_, sink_, storage_, std::move(streams), [keyframe_target] {
    if (keyframe_target) keyframe_target->request_keyframe();
  });
  publish_status();

  threads_.emplace_back([this] { run_writer(); });
  threads_.emplace_back([this] { run_video_capture(); });
  if (!pass_through) threads_.emplace_back([this] { run_video_encode(); });
  if (audio_input_) {
    threads_.emplace_back([this] { run_audio_capture(); });
    threads_.emplace_back([this] { run_audio_encode(); });
  } else {
    audio_frames_->close();
    audio_packets_->close();
  }
  return {};
}

void recording_pipeline::impl::record_fault(const core::error& e) {
  {
    std::lock_guard lock(mutex_);
    if (!fault_) fault_ = e;
  }
  stop_capture_.store(true);
}

void recording_pipeline::impl::abort_queues() {
  for (auto* q : {video_frames_.get(), audio_frames_.get()})
    if (q) q->abort();
  for (auto* q : {video_packets_.get(), audio_packets_.get()})
    if (q) q->abort();
}

// ---- capture -------------------------------------------------------------------------------------------

void recording_pipeline::impl::run_video_capture() {
  frame_clock clock(timebase{1, config_.encoder.fps});
  std::optional<std::int64_t> pass_through_offset;
  while (!stop_capture_.load()) {
    auto item = video_input_->next();
    if (!item) {
      record_fault(item.error());
      break;
    }
    if (item->what == input_item::kind::end) {
      if (!stop_capture_.load()) source_ended_.store(true);
      break;
    }
    const auto now = steady_clock::now();
    if (video_first_ns_.load() == 0)
      video_first_ns_.store(std::max<std::int64_t>(
          1, std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count()));
    ++video_frames_captured_;
    if (item->what == input_item::kind::packet) {
      AVPacket* p = item->packet.get();
      const timebase base = video_input_->stream_base();
      if (!pass_through_offset)
        pass_through_offset = media_time::from_chrono(timeline_start).rescaled(base).ticks - p->dts;
      p->pts += *pass_through_offset;
      p->dts += *pass_through_offset;
      captured_end_us_.store(media_time{p->pts + p->duration, base}.to_chrono().count());
      if (!push_packet(*video_packets_, std::move(item->packet), track_kind::video, base)) break;
      continue;
    }
    AVFrame* f = item->frame.get();
    const auto stamped = clock.stamp(media_time{f->pts, video_input_->stream_base()});
    f->pts = stamped.pts;
    gap_frames_ += stamped.missing_frames;
    if (stamped.fixed_up) ++fixups_;
    captured_end_us_.store(media_time{stamped.pts + 1, clock.output()}.to_chrono().count());
    if (!video_frames_->push(frame_item{std::move(item->frame), std::chrono::system_clock::now(), now})) break;
  }
  stop_capture_.store(true);  // the audio source stops with the camera
  video_frames_->close();
  if (config_.encoder.is_pass_through()) video_packets_->close();
}

void recording_pipeline::impl::run_audio_capture() {
  while (!stop_capture_.load()) {
    auto item = audio_input_->next();
    if (!item) {
      record_fault(item.error());
      break;
    }
    if (item->what != input_item::kind::frame) break;
    ++audio_frames_captured_;
    if (!audio_frames_->push(frame_item{std::move(item->frame), std::chrono::system_clock::now(), steady_clock::now()}))
      break;
  }
  audio_frames_->close();
}

// ---- encode --------------------------------------------------------------------------------------------

core::status recording_pipeline::impl::push_packet(bounded_queue<packet_item>& queue, av_packet_ptr packet,
                                                   track_kind track, timebase base) {
  packet_item item{nullptr, describe_packet(*packet, track, base)};
  item.packet = std::move(packet);
  if (!queue.push(std::move(item))) {
    ++lost_items_;  // the writer aborted the queue after a fault
    return core::fail(core::errc::closed, "queue " + queue.stats().name + ": closed");
  }
  return {};
}

void recording_pipeline::impl::run_video_encode() {
  const packet_consumer consume = [this](av_packet_ptr p) {
    return push_packet(*video_packets_, std::move(p), track_kind::video, video_packet_base_);
  };
  core::status result;
  while (auto item = video_frames_->pop()) {
    result = video_encoder_->encode(*item->frame, item->captured_utc, consume);
    if (!result) break;
  }
  if (result) result = video_encoder_->flush(consume);
  if (!result && result.error().code != core::errc::closed) record_fault(result.error());
  if (!result) video_frames_->abort();  // wakes the capture thread if it waits on a full queue
  video_packets_->close();
}

void recording_pipeline::impl::run_audio_encode() {
  const packet_consumer consume = [this](av_packet_ptr p) {
    return push_packet(*audio_packets_, std::move(p), track_kind::audio, audio_packet_base_);
  };
  core::status result;
  bool first = true;
  while (auto item = audio_frames_->pop()) {
    if (first && config_.source.video.is_live() && audio_input_ && config_.source.audio->is_live()) {
      // Two live devices: line the microphone up with the camera by when their first data arrived.
      while (video_first_ns_.load() == 0 && !stop_capture_.load())
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      const std::int64_t audio_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(item->captured_at.time_since_epoch()).count();
      const std::int64_t offset_ns = audio_ns - video_first_ns_.load();
      audio_encoder_->set_start_offset(offset_ns * config_.encoder.sample_rate / 1'000'000'000);
    }
    first = false;
    result = audio_encoder_->encode(*item->frame, consume);
    if (!result) break;
  }
  if (result) result = audio_encoder_->flush(consume);
  if (!result && result.error().code != core::errc::closed) record_fault(result.error());
  if (!result) audio_frames_->abort();
  audio_packets_->close();
}

// ---- API -----------------------------------------------------------------------------------------------

core::status recording_pipeline::impl::submit(command cmd) {
  auto done = cmd.done.get_future();
  {
    std::lock_guard lock(mutex_);
    if (writer_done_) return core::fail(core::errc::closed, "the pipeline has ended");
    if (cmd.what == command::kind::stop) cmd.stop_at = captured_until();
    commands_.push_back(std::move(cmd));
  }
  return done.get();
}

core::status recording_pipeline::impl::shutdown(close_reason reason) {
  {
    std::lock_guard lock(mutex_);
    if (writer_done_ && final_result_) {
      const auto result = *final_result_;
      return result;
    }
  }
  stop_capture_.store(true);
  command cmd;
  cmd.what = command::kind::shutdown;
  cmd.reason = reason;
  auto done = cmd.done.get_future();
  bool queued = false;
  {
    std::lock_guard lock(mutex_);
    if (!writer_done_) {
      commands_.push_back(std::move(cmd));
      queued = true;
    }
  }
  core::status result = queued ? done.get() : core::status{};
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  std::lock_guard lock(mutex_);
  return final_result_ ? *final_result_ : result;
}

core::expected<still_frame> recording_pipeline::impl::take_still(std::chrono::milliseconds timeout) {
  if (!video_encoder_)
    return core::fail(core::errc::unsupported,
                      "take photo: pass-through video (encoder 'copy') has no decoded frame to take a photo from");
  const auto state = status().state;
  if (state == pipeline_state::finished || state == pipeline_state::failed)
    return core::fail(core::errc::closed, "take photo: the pipeline has " + std::string(to_string(state)));
  auto still = video_encoder_->request_still();
  if (still.wait_for(timeout) != std::future_status::ready)
    return core::fail(core::errc::timeout, "take photo: no video frame within " + std::to_string(timeout.count()) +
                                               " ms");
  return still.get();
}

pipeline_status recording_pipeline::impl::status() const {
  pipeline_status s;
  {
    std::lock_guard lock(mutex_);
    s = snapshot_;
    s.last_error = fault_;
  }
  s.captured =
      captured_until().to_chrono() > timeline_start ? captured_until().to_chrono() - timeline_start : microseconds(0);
  s.counters.video_frames_captured = video_frames_captured_.load();
  s.counters.audio_frames_captured = audio_frames_captured_.load();
  s.counters.source_gap_frames = gap_frames_.load();
  s.counters.timestamp_fixups = fixups_.load();
  for (const auto* q : {video_frames_.get(), audio_frames_.get()}) s.queues.push_back(q->stats());
  for (const auto* q : {video_packets_.get(), audio_packets_.get()}) s.queues.push_back(q->stats());
  return s;
}

bool recording_pipeline::impl::wait_until_ended(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return writer_done_ || snapshot_.state == pipeline_state::finished || snapshot_.state == pipeline_state::failed;
  });
}

// ---- recording_pipeline --------------------------------------------------------------------------------

recording_pipeline::recording_pipeline(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
recording_pipeline::~recording_pipeline() = default;

core::expected<std::unique_ptr<recording_pipeline>> recording_pipeline::open(const pipeline_config& config,
                                                                             segment_sink& sink,
                                                                             segment_storage& storage) {
  auto state = std::make_unique<impl>(config, sink, storage);
  if (auto ok = state->open(); !ok) return std::unexpected(ok.error());
  return std::unique_ptr<recording_pipeline>(new recording_pipeline(std::move(state)));
}

core::status recording_pipeline::start(std::string_view session_id) {
  if (auto ok = validate_session_id(session_id); !ok) return ok;
  command cmd;
  cmd.what = command::kind::start;
  cmd.session_id = std::string(session_id);
  return impl_->submit(std::move(cmd));
}

core::status recording_pipeline::stop(close_reason reason) {
  command cmd;
  cmd.what = command::kind::stop;
  cmd.reason = reason;
  return impl_->submit(std::move(cmd));
}

core::status recording_pipeline::shutdown(close_reason reason) { return impl_->shutdown(reason); }
void recording_pipeline::set_clock_synced(bool synced) noexcept { impl_->set_clock_synced(synced); }
void recording_pipeline::set_place_text(std::string text) { impl_->set_place_text(std::move(text)); }
void recording_pipeline::set_session_line(std::string line) { impl_->set_session_line(std::move(line)); }
core::expected<still_frame> recording_pipeline::take_still(std::chrono::milliseconds timeout) {
  return impl_->take_still(timeout);
}
pipeline_status recording_pipeline::status() const { return impl_->status(); }
bool recording_pipeline::wait_until_ended(std::chrono::milliseconds timeout) const {
  return impl_->wait_until_ended(timeout);
}

}  // namespace bodycam::firmware::media
