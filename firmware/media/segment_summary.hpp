// What the pipeline tells the daemon about each segment, field for field the segment payload of DESIGN.md §3,
// plus the per-fragment facts the ledger stores. Pure data: no libav types.
//
// Coverage of a sealed segment file in the clear of byte_length L (see README.md, "What the hashes cover"):
//   [0, init_length)                                   init part: ftyp + moov          → init_sha256
//   fragment i: [offset_i, offset_i + length_i)        one moof + mdat, contiguous     → leaf i of fragment_root
//   [init_length + Σ length_i, L)                      unsigned tail (unsigned_tail_bytes; 0 unless the
//                                                      mfra trailer is enabled: then it is exactly the mfra box)
//   [0, L)                                                                              → file_sha256
// An encrypted segment ends, after the unsigned tail, with the final message (final_message_bytes, 21): the
// stream's authenticated end marker with an empty plaintext, covered by file_sha256 and no unsigned tail.
#pragma once

#include "common/crypto/sha256.hpp"
#include "firmware/media/media_time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::firmware::media {

// Why a segment was sealed (DESIGN.md §3). power_loss_recovered is never produced here: the daemon's salvage
// of a `.partial` file after a power loss uses it.
enum class close_reason : std::uint8_t { rollover, stop, low_battery, storage_full, fault, power_loss_recovered };

[[nodiscard]] std::string_view to_string(close_reason reason) noexcept;

// First and last presentation time of one track in one segment, in the track's time base in the file (the
// mdhd timescale; what ffprobe reports). end_pts = the largest pts + duration: the next segment's first pts
// of the same track equals it when the session is contiguous.
struct track_range {
  track_kind track = track_kind::video;
  timebase base{};
  std::int64_t first_pts = 0;
  std::int64_t last_pts = 0;
  std::int64_t end_pts = 0;
  std::uint64_t packet_count = 0;
};

struct fragment_info {
  std::string session_id;
  std::uint32_t segment_index = 0;
  std::string file_name;                 // final name (without ".partial"), relative to the output directory
  std::uint32_t index = 0;               // 0-based fragment number within the segment
  std::uint64_t offset = 0;              // byte offset of its moof in the file
  std::uint64_t length = 0;              // moof + mdat
  common::crypto::sha256_digest sha256;  // of exactly those bytes
  media_time first_pts{};                // of its video keyframe, in the video track's file time base
};

// An encrypted file's plaintext (docs/formats/encrypted-footage.md): the muxer's bytes, that is the fMP4 a
// decryption reproduces, with its length and SHA-256.
struct plaintext_digest {
  std::uint64_t byte_length = 0;
  common::crypto::sha256_digest sha256;
};

struct segment_opened {
  std::string session_id;
  std::uint32_t index = 0;
  std::string file_name;
  std::string partial_name;  // the name on disk until sealed
  std::uint64_t init_length = 0;
  common::crypto::sha256_digest init_sha256;
  // First segment of a session only: the pre-event footage it begins with and where live recording began.
  std::optional<media_time> pre_event_start;
  std::optional<media_time> live_start;
};

struct segment_summary {
  std::string session_id;
  std::uint32_t index = 0;
  std::string file_name;
  std::uint64_t byte_length = 0;
  common::crypto::sha256_digest file_sha256;
  std::uint64_t init_length = 0;
  common::crypto::sha256_digest init_sha256;
  std::uint32_t fragment_count = 0;
  common::crypto::sha256_digest fragment_root;  // RFC 6962 Merkle root; leaf data = each fragment's SHA-256
  std::vector<track_range> tracks;              // video first, then audio if recorded
  close_reason reason = close_reason::stop;
  std::uint64_t unsigned_tail_bytes = 0;
  // Encrypted segments sealed normally: the final message (4-byte length + 17 bytes); 0 in the clear and after
  // seal_after_failure, which cannot write it. byte_length = init + Σ fragments + unsigned tail + this.
  std::uint64_t final_message_bytes = 0;
  // Bytes written after the last durable fragment that the seal cut off (a write or sync failed mid-fragment);
  // they were never reported durable. 0 on a normal seal.
  std::uint64_t truncated_bytes = 0;
  // Encrypted segments only: then byte_length, file_sha256, init_sha256 and the fragment root describe the
  // ciphertext file as stored (init part = header + message 0, fragment i = message i + 1, the tail = the
  // mfra message if any, then the final message), and this the plaintext fMP4 it decrypts to.
  std::optional<plaintext_digest> plaintext;

  [[nodiscard]] const track_range* find_track(track_kind kind) const noexcept {
    for (const auto& t : tracks)
      if (t.track == kind) return &t;
    return nullptr;
  }
};

}  // namespace bodycam::firmware::media
