// One segment file: a fragmented MP4 written through a hashing_output, one fragment per GOP, each fragment
// fdatasync'd before it is reported, sealed by an explicit call (trailer, fsync, rename from `.partial`, fsync
// directory). The muxer is libavformat's mp4 (movenc) with frag_custom + empty_moov + default_base_moof +
// frag_discont (+ skip_trailer unless the mfra index is wanted), so the file is: ftyp, moov, (moof, mdat)*,
// [mfra]. frag_discont makes movenc write each track's first tfdt as the packet's own dts instead of 0, so a
// segment keeps the session's timeline and consecutive segments line up (ffprobe shows the same pts).
//
// Invariants:
//  1. The first packet of a segment is a video keyframe (anything else is refused). A fragment is flushed
//     before every later video keyframe and at seal: fragment i holds exactly one GOP of video and the audio
//     written between its keyframe and the next.
//  2. on_fragment_durable is called only after the fragment's bytes are written and fdatasync'd; the offsets
//     and lengths it reports tile the file right after the init part, in order.
//  3. No byte is rewritten: the output cannot seek, there is no faststart pass, timestamps are written as
//     given (rescaled to the track's time base, never shifted: avoid_negative_ts is disabled, and a negative
//     dts is refused with an error).
//  4. seal() returns a summary whose hashes and lengths describe the final file byte for byte; after it the
//     file exists only under its final name.
//  5. After any failure, seal_after_failure() cuts the file back to the end of the last durable fragment
//     (bytes never reported durable), then seals it; fragments already reported stay byte-identical.
//  6. The destructor only releases: an unsealed segment stays on disk as `<name>.partial`.
//  7. Encrypted (options.encryption has recipients): the file is docs/formats/encrypted-footage.md; the init
//     part is one message and every fragment one message, written and fdatasync'd before it is reported, so
//     every reported fragment decrypts after a power cut; seal() ends the stream with the final message,
//     seal_after_failure() cannot (the file then reads as `truncated` after its last durable fragment).
//  8. The final message is the format's end, not footage: seal() counts it in final_message_bytes, never in
//     unsigned_tail_bytes, so a normally sealed encrypted segment has an unsigned tail only where the same
//     segment in the clear has one (the mfra box). Its bytes are in byte_length and file_sha256 like every other.
#pragma once

#include "common/crypto/merkle.hpp"
#include "firmware/media/hashing_output.hpp"
#include "firmware/media/pipeline_config.hpp"
#include "firmware/media/segment_sink.hpp"
#include "firmware/media/segment_storage.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bodycam::firmware::media {

// One track of the segment: codec parameters (with extradata) and the time base of the packets given to write().
struct stream_spec {
  track_kind track = track_kind::video;
  const AVCodecParameters* parameters = nullptr;
  timebase packet_base{};
};

struct segment_identity {
  std::string session_id;
  std::uint32_t index = 0;
  std::filesystem::path directory;
  std::string device_id;
  std::string officer_id;
};

struct segment_writer_options {
  bool write_mfra = false;
  encryption_config encryption;  // no recipient = in the clear
  std::optional<media_time> pre_event_start;  // reported in segment_opened (first segment of a session)
  std::optional<media_time> live_start;
};

class segment_writer {
 public:
  [[nodiscard]] static common::core::expected<std::unique_ptr<segment_writer>> open(
      segment_storage& storage, segment_sink& sink, segment_identity identity, std::span<const stream_spec> streams,
      segment_writer_options options);

  segment_writer(const segment_writer&) = delete;
  segment_writer& operator=(const segment_writer&) = delete;
  ~segment_writer();

  // Writes one packet (timestamps in the track's packet_base; the packet is rescaled in place and its data
  // handed to the muxer). A video keyframe first flushes the pending fragment (invariant 1).
  [[nodiscard]] common::core::status write(track_kind track, AVPacket& packet);
  [[nodiscard]] common::core::expected<segment_summary> seal(close_reason reason);
  [[nodiscard]] common::core::expected<segment_summary> seal_after_failure(close_reason reason);

  [[nodiscard]] const std::string& file_name() const noexcept { return file_name_; }
  [[nodiscard]] std::uint32_t fragment_count() const noexcept { return fragment_count_; }
  [[nodiscard]] std::uint64_t bytes_written() const noexcept { return output_->bytes_written(); }
  [[nodiscard]] bool is_sealed() const noexcept { return sealed_; }
  // Video time written so far (first keyframe pts to the end of the last video packet).
  [[nodiscard]] std::chrono::microseconds video_duration() const noexcept;

 private:
  struct track_state {
    track_kind track;
    int stream_index;
    timebase packet_base;
    timebase file_base;
    std::optional<track_range> durable;  // over fragments already reported durable
    std::optional<track_range> pending;  // over the fragment being built
  };

  segment_writer(segment_storage& storage, segment_sink& sink, segment_identity identity);
  [[nodiscard]] common::core::status start(std::span<const stream_spec> streams, const segment_writer_options& options);
  [[nodiscard]] common::core::status flush_fragment();
  [[nodiscard]] common::core::status finish_seal();
  [[nodiscard]] segment_summary make_summary(close_reason reason) const;
  [[nodiscard]] std::unexpected<common::core::error> fail_mux(std::string_view operation, int code) const;
  track_state* find(track_kind track) noexcept;

  segment_storage& storage_;
  segment_sink& sink_;
  segment_identity identity_;
  std::string file_name_;
  std::filesystem::path partial_path_;
  std::filesystem::path final_path_;
  bool write_mfra_ = false;
  std::unique_ptr<hashing_output> output_;
  av_output_ptr muxer_;
  std::vector<track_state> tracks_;
  std::uint64_t init_length_ = 0;
  common::crypto::sha256_digest init_sha256_;
  common::crypto::merkle_builder fragments_;
  std::uint32_t fragment_count_ = 0;
  bool fragment_pending_ = false;
  std::optional<media_time> fragment_first_pts_;
  std::uint64_t tail_bytes_ = 0;
  std::uint64_t final_message_bytes_ = 0;
  std::uint64_t truncated_bytes_ = 0;
  bool failed_ = false;
  bool renamed_ = false;
  bool sealed_ = false;
};

}  // namespace bodycam::firmware::media
