// The offload protocol's messages (docs/formats/offload.md): what the dock asks a docked camera and what the
// camera answers, one message per link data frame. Pure: encoding and bounds-checked decoding, no I/O.
// Every message starts with `u16 version | u8 type`; integers are big-endian (common/core byte_writer).
// The dock sends requests, the camera answers each with exactly one response (or an error).
// Invariants:
//  1. decode(encode(m)) == m, and encode refuses (invalid_argument) a message that would not fit one frame
//     (max_message_bytes); decode refuses anything encode cannot produce: unknown version (unsupported),
//     unknown type, a field over its limit, truncated input, trailing bytes (malformed, naming the field).
//  2. Limits are checked before allocation: no length field makes decode reserve more than the frame holds.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/crypto/sha256.hpp"
#include "common/record/payloads.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace bodycam::common::offload {

inline constexpr std::uint16_t protocol_version = 1;
// One message per link data frame (common/link wire_format: max_frame_payload = 65518).
inline constexpr std::size_t max_message_bytes = 65518;
// The most file bytes one file_data message carries (leaves room for its header and the file name).
inline constexpr std::uint32_t max_file_chunk = 60000;
// The most records one records request asks for.
inline constexpr std::uint32_t max_records_per_message = 4096;
inline constexpr std::size_t max_file_name = 255;
inline constexpr std::size_t max_detail = 1024;

enum class message_type : std::uint8_t {
  checkpoint_request = 0x01,  // dock → camera
  checkpoint_response = 0x02,
  records_request = 0x03,
  records_response = 0x04,
  file_request = 0x05,
  file_response = 0x06,
  timesync_request = 0x07,
  receipt_request = 0x08,
  appended_response = 0x09,   // camera → dock: the timesync or receipt record it appended
  error_response = 0x0A,
};
[[nodiscard]] std::string_view to_string(message_type type) noexcept;

// "Sign a checkpoint of your chain now and tell me your state."
struct checkpoint_request {
  friend bool operator==(const checkpoint_request&, const checkpoint_request&) = default;
};
inline constexpr std::uint8_t battery_unknown = 255;
struct checkpoint_response {
  core::byte_buffer checkpoint;  // a signed checkpoint (docs/formats/chain.md §5)
  std::uint8_t battery_percent = battery_unknown;
  std::uint64_t free_bytes = 0;  // free space of the recording directory
  friend bool operator==(const checkpoint_response&, const checkpoint_response&) = default;
};
struct records_request {
  std::uint64_t from_seq = 0;
  std::uint32_t max_count = 0;  // 1..max_records_per_message
  friend bool operator==(const records_request&, const records_request&) = default;
};
// Records from_seq, from_seq+1, … (as many as fit one message, at least one unless the chain ends first).
struct records_response {
  std::uint64_t from_seq = 0;
  std::vector<core::byte_buffer> records;  // each: signed record bytes (canonical || signature)
  friend bool operator==(const records_response&, const records_response&) = default;
};
struct file_request {
  std::string file_name;  // as a segment or annotation record names it
  std::uint64_t offset = 0;
  std::uint32_t length = 0;  // 1..max_file_chunk
  friend bool operator==(const file_request&, const file_request&) = default;
};
struct file_response {
  std::string file_name;
  std::uint64_t offset = 0;
  std::uint64_t file_length = 0;  // the whole file's length on the camera
  core::byte_buffer data;         // bytes offset .. offset+data.size(); empty only at the end of the file
  friend bool operator==(const file_response&, const file_response&) = default;
};
// The dock's witness of a checkpoint, with its UTC (chain::witness_message); the camera records `timesync`.
struct timesync_request {
  std::string dock_id;
  crypto::public_key dock_key;
  record::utc_time dock_utc{};
  std::uint64_t checkpoint_count = 0;
  crypto::sha256_digest checkpoint_head;
  crypto::signature dock_signature;
  friend bool operator==(const timesync_request&, const timesync_request&) = default;
};
struct receipt_request {
  core::byte_buffer document;  // a signed receipt (docs/formats/receipt.md)
  friend bool operator==(const receipt_request&, const receipt_request&) = default;
};
enum class append_outcome : std::uint8_t { appended = 0, already_recorded = 1 };
struct appended_response {
  append_outcome outcome = append_outcome::appended;
  std::uint64_t seq = 0;  // the timesync or receipt record's seq on the camera
  friend bool operator==(const appended_response&, const appended_response&) = default;
};
struct error_response {
  core::errc code = core::errc::internal;
  std::string detail;
  friend bool operator==(const error_response&, const error_response&) = default;
};

using message = std::variant<checkpoint_request, checkpoint_response, records_request, records_response,
                             file_request, file_response, timesync_request, receipt_request, appended_response,
                             error_response>;

[[nodiscard]] message_type type_of(const message& m) noexcept;
[[nodiscard]] core::expected<core::byte_buffer> encode(const message& m);
[[nodiscard]] core::expected<message> decode(core::byte_view bytes);

// An error response as the error it carries ("camera: <detail>"), for the dock's messages.
[[nodiscard]] core::error to_error(const error_response& e);
[[nodiscard]] error_response from_error(const core::error& e);

// How many bytes a records_response with these records would take (to fill one message, no more).
[[nodiscard]] std::size_t records_response_size(std::size_t record_count, std::size_t record_bytes_total) noexcept;

}  // namespace bodycam::common::offload
