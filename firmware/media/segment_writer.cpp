#include "firmware/media/segment_writer.hpp"

#include "firmware/media/pipeline_config.hpp"

extern "C" {
#include <libavutil/opt.h>
}

#include <algorithm>

namespace bodycam::firmware::media {

namespace core = common::core;
namespace fs = std::filesystem;

namespace {
void extend(std::optional<track_range>& range, track_kind track, timebase base, const AVPacket& p) {
  const std::int64_t end = p.pts + p.duration;
  if (!range) {
    range = track_range{track, base, p.pts, p.pts, end, 1};
    return;
  }
  range->first_pts = std::min(range->first_pts, p.pts);
  range->last_pts = std::max(range->last_pts, p.pts);
  range->end_pts = std::max(range->end_pts, end);
  ++range->packet_count;
}

void merge(std::optional<track_range>& into, const std::optional<track_range>& from) {
  if (!from) return;
  if (!into) {
    into = from;
    return;
  }
  into->first_pts = std::min(into->first_pts, from->first_pts);
  into->last_pts = std::max(into->last_pts, from->last_pts);
  into->end_pts = std::max(into->end_pts, from->end_pts);
  into->packet_count += from->packet_count;
}
}  // namespace

segment_writer::segment_writer(segment_storage& storage, segment_sink& sink, segment_identity identity)
    : storage_(storage), sink_(sink), identity_(std::move(identity)) {}

segment_writer::~segment_writer() = default;  // invariant 6: muxer and output freed, no trailer, no rename

core::expected<std::unique_ptr<segment_writer>> segment_writer::open(segment_storage& storage, segment_sink& sink,
                                                                     segment_identity identity,
                                                                     std::span<const stream_spec> streams,
                                                                     segment_writer_options options) {
  std::unique_ptr<segment_writer> writer(new segment_writer(storage, sink, std::move(identity)));
  if (auto ok = writer->start(streams, options); !ok) return std::unexpected(ok.error());
  return writer;
}

std::unexpected<core::error> segment_writer::fail_mux(std::string_view operation, int code) const {
  // A failed write inside libav is reported with the file error that caused it (names errno and file).
  if (output_ && output_->error()) return core::wrap(operation, *output_->error());
  return fail_av(operation, file_name_, code);
}

core::status segment_writer::start(std::span<const stream_spec> streams, const segment_writer_options& options) {
  file_name_ = segment_file_name(identity_.session_id, identity_.index);
  final_path_ = identity_.directory / file_name_;
  partial_path_ = identity_.directory / (file_name_ + ".partial");
  write_mfra_ = options.write_mfra;

  auto file = storage_.create(partial_path_);
  if (!file) return std::unexpected(file.error());
  auto output = hashing_output::create(std::move(*file), options.encryption.recipients, options.encryption.random);
  if (!output) return std::unexpected(output.error());
  output_ = std::move(*output);

  AVFormatContext* raw = nullptr;
  if (const int ret = avformat_alloc_output_context2(&raw, nullptr, "mp4", nullptr); ret < 0)
    return fail_av("create mp4 muxer for", file_name_, ret);
  muxer_.reset(raw);
  muxer_->pb = output_->context();
  muxer_->flags |= AVFMT_FLAG_BITEXACT;                     // no library version strings: reproducible bytes
  muxer_->avoid_negative_ts = AVFMT_AVOID_NEG_TS_DISABLED;  // invariant 3: never shift timestamps

  for (const auto& spec : streams) {
    AVStream* st = avformat_new_stream(muxer_.get(), nullptr);
    if (!st) return core::fail(core::errc::internal, "add stream to " + file_name_ + ": out of memory");
    if (const int ret = avcodec_parameters_copy(st->codecpar, spec.parameters); ret < 0)
      return fail_av("copy codec parameters for", file_name_, ret);
    st->codecpar->codec_tag = 0;
    st->time_base = to_rational(spec.packet_base);
    tracks_.push_back(track_state{spec.track, st->index, spec.packet_base, spec.packet_base, {}, {}});
  }
  const std::string comment = "bodycam device=" + identity_.device_id + " officer=" + identity_.officer_id +
                              " session=" + identity_.session_id + " segment=" + std::to_string(identity_.index);
  av_dict_set(&muxer_->metadata, "comment", comment.c_str(), 0);

  AVDictionary* raw_options = nullptr;
  const std::string movflags =
      std::string("frag_custom+empty_moov+default_base_moof+frag_discont") + (write_mfra_ ? "" : "+skip_trailer");
  av_dict_set(&raw_options, "movflags", movflags.c_str(), 0);
  const int header = avformat_write_header(muxer_.get(), &raw_options);
  const av_dictionary_ptr muxer_options(raw_options);  // what the muxer did not consume
  if (header < 0) return fail_mux("write mp4 header of " + file_name_, header);
  if (const AVDictionaryEntry* unused = av_dict_get(muxer_options.get(), "", nullptr, AV_DICT_IGNORE_SUFFIX))
    return core::fail(core::errc::unsupported, "mp4 muxer for " + file_name_ + ": option '" + unused->key +
                                                   "' is not supported by this libavformat");
  for (auto& t : tracks_) t.file_base = to_timebase(muxer_->streams[t.stream_index]->time_base);

  auto init = output_->mark_region();
  if (!init) return core::wrap("write mp4 header of " + file_name_, init.error());
  if (auto ok = output_->datasync(); !ok) return ok;
  // A new file's name is durable only once its directory is synced: before the ledger claims any of its bytes.
  if (auto ok = storage_.sync_directory(identity_.directory); !ok) return ok;
  output_->mark_durable();
  init_length_ = init->length;
  init_sha256_ = init->sha256;
  sink_.on_segment_opened(segment_opened{identity_.session_id, identity_.index, file_name_,
                                         partial_path_.filename().string(), init_length_, init_sha256_,
                                         options.pre_event_start, options.live_start});
  return {};
}

segment_writer::track_state* segment_writer::find(track_kind track) noexcept {
  for (auto& t : tracks_)
    if (t.track == track) return &t;
  return nullptr;
}

core::status segment_writer::write(track_kind track, AVPacket& packet) {
  if (failed_ || sealed_)
    return core::fail(core::errc::conflict,
                      "write to segment " + file_name_ + ": it is " + (sealed_ ? "sealed" : "failed"));
  track_state* t = find(track);
  if (!t)
    return core::fail(core::errc::invalid_argument,
                      "write to segment " + file_name_ + ": no " + to_string(track) + " track");
  if (packet.dts == AV_NOPTS_VALUE || packet.pts == AV_NOPTS_VALUE || packet.dts < 0) {
    failed_ = true;
    return core::fail(core::errc::invalid_argument, "write to segment " + file_name_ + ": " + to_string(track) +
                                                        " packet without a non-negative timestamp (dts " +
                                                        std::to_string(packet.dts) + ")");
  }
  const bool keyframe = (packet.flags & AV_PKT_FLAG_KEY) != 0;
  if (fragment_count_ == 0 && !fragment_pending_ && !(track == track_kind::video && keyframe))
    return core::fail(core::errc::invalid_argument, "write to segment " + file_name_ +
                                                        ": its first packet must be a "
                                                        "video keyframe, not " +
                                                        (track == track_kind::video ? "a video delta frame" : "audio"));
  if (track == track_kind::video && keyframe && fragment_pending_)
    if (auto ok = flush_fragment(); !ok) return ok;  // invariant 1

  av_packet_rescale_ts(&packet, to_rational(t->packet_base), to_rational(t->file_base));
  packet.stream_index = t->stream_index;
  extend(t->pending, track, t->file_base, packet);
  if (track == track_kind::video && !fragment_first_pts_) fragment_first_pts_ = media_time{packet.pts, t->file_base};
  // av_write_frame, not the interleaving variant: the pipeline already delivers packets in decode order per
  // track, and fragment boundaries must follow the order in which packets arrive.
  if (const int ret = av_write_frame(muxer_.get(), &packet); ret < 0) {
    failed_ = true;
    return fail_mux("write packet to segment " + file_name_, ret);
  }
  fragment_pending_ = true;
  return {};
}

core::status segment_writer::flush_fragment() {
  if (const int ret = av_write_frame(muxer_.get(), nullptr); ret < 0) {
    failed_ = true;
    return fail_mux("flush fragment of " + file_name_, ret);
  }
  auto region = output_->mark_region();
  if (!region) {
    failed_ = true;
    return core::wrap("flush fragment of " + file_name_, region.error());
  }
  if (auto ok = output_->datasync(); !ok) {
    failed_ = true;
    return ok;
  }
  output_->mark_durable();  // invariant 2: durable before it is reported
  for (auto& t : tracks_) {
    merge(t.durable, t.pending);
    t.pending.reset();
  }
  fragments_.add_leaf(region->sha256);
  const fragment_info info{
      identity_.session_id, identity_.index, file_name_,     fragment_count_,
      region->offset,       region->length,  region->sha256, fragment_first_pts_.value_or(media_time{})};
  ++fragment_count_;
  fragment_pending_ = false;
  fragment_first_pts_.reset();
  sink_.on_fragment_durable(info);
  return {};
}

core::status segment_writer::finish_seal() {
  if (auto ok = output_->sync(); !ok) return ok;
  if (!renamed_) {  // a retry after a failed directory fsync must not rename twice
    if (auto ok = storage_.rename_no_replace(partial_path_, final_path_); !ok) return ok;
    renamed_ = true;
  }
  if (auto ok = storage_.sync_directory(identity_.directory); !ok) return ok;
  sealed_ = true;
  return {};
}

segment_summary segment_writer::make_summary(close_reason reason) const {
  segment_summary s;
  s.session_id = identity_.session_id;
  s.index = identity_.index;
  s.file_name = file_name_;
  s.init_length = init_length_;
  s.init_sha256 = init_sha256_;
  s.fragment_count = fragment_count_;
  s.fragment_root = fragments_.root();
  for (const auto& t : tracks_)
    if (t.durable) s.tracks.push_back(*t.durable);
  s.reason = reason;
  s.unsigned_tail_bytes = tail_bytes_;
  s.final_message_bytes = final_message_bytes_;
  s.truncated_bytes = truncated_bytes_;
  s.byte_length = output_->durable_length();
  s.file_sha256 = output_->durable_file_sha256();
  s.plaintext = output_->durable_plaintext();
  return s;
}

core::expected<segment_summary> segment_writer::seal(close_reason reason) {
  if (sealed_) return core::fail(core::errc::conflict, "seal segment " + file_name_ + ": already sealed");
  if (failed_)
    return core::fail(core::errc::conflict, "seal segment " + file_name_ + ": writing failed; use seal_after_failure");
  if (fragment_pending_)
    if (auto ok = flush_fragment(); !ok) return std::unexpected(ok.error());
  // The trailer is an explicit, fallible step; with skip_trailer it writes nothing for a fragmented file.
  if (const int ret = av_write_trailer(muxer_.get()); ret < 0) {
    failed_ = true;
    return fail_mux("write trailer of " + file_name_, ret);
  }
  auto end = output_->finish_stream();  // invariant 7: the final message of an encrypted file
  if (!end) {
    failed_ = true;
    return core::wrap("write trailer of " + file_name_, end.error());
  }
  tail_bytes_ = end->before_final.length;  // the mfra box when enabled: not covered by init or fragment hashes
  final_message_bytes_ = end->final_message.length;  // invariant 8
  output_->mark_durable();  // fsync below makes it so before anything is reported
  if (auto ok = finish_seal(); !ok) {
    failed_ = true;
    return std::unexpected(ok.error());
  }
  auto summary = make_summary(reason);
  sink_.on_segment_sealed(summary);
  return summary;
}

core::expected<segment_summary> segment_writer::seal_after_failure(close_reason reason) {
  if (sealed_) return core::fail(core::errc::conflict, "seal segment " + file_name_ + ": already sealed");
  failed_ = true;
  if (init_length_ == 0)
    return core::fail(core::errc::io, "seal segment " + file_name_ + ": its init part never became durable; left as " +
                                          partial_path_.filename().string());
  // Invariant 5: everything after the last durable fragment was never reported; cut it off.
  truncated_bytes_ = output_->bytes_written() - output_->durable_length();
  tail_bytes_ = 0;
  final_message_bytes_ = 0;
  if (auto ok = output_->file().truncate(output_->durable_length()); !ok) return std::unexpected(ok.error());
  for (auto& t : tracks_) t.pending.reset();
  if (auto ok = finish_seal(); !ok) return std::unexpected(ok.error());
  auto summary = make_summary(reason);
  sink_.on_segment_sealed(summary);
  return summary;
}

std::chrono::microseconds segment_writer::video_duration() const noexcept {
  for (const auto& t : tracks_) {
    if (t.track != track_kind::video) continue;
    std::optional<track_range> all = t.durable;
    merge(all, t.pending);
    if (!all) return std::chrono::microseconds(0);
    return elapsed(media_time{all->first_pts, all->base}, media_time{all->end_pts, all->base});
  }
  return std::chrono::microseconds(0);
}

}  // namespace bodycam::firmware::media
