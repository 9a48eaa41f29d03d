// Reads an encrypted footage file (docs/formats/encrypted-footage.md) as a stream: open() reads the header and
// finds and opens our envelope, next() yields one decrypted fragment at a time and ends at the final message.
// Every failure is a named footage_errc with a message naming the file and the message index; fragments
// already returned stay valid, which is what salvage_footage() builds on for the power-cut case.
// Invariants:
//  1. A fragment is returned only after its message authenticated (secretstream pull) in order: message 0
//     with the header body H as additional data, so no fragment is ever yielded from a header that is not the
//     writer's.
//  2. The header tag is checked (constant time) before any message is read: a swapped or altered envelope is
//     `header_mismatch`, never a confusing `tampered_message 0`.
//  3. End of data before the final message is `truncated` (never `tampered_message`), wherever it falls.
//     One exception is documented: a length prefix altered to point past the end looks the same.
//  4. A file is complete only when the final message authenticated and no byte follows it.
//  5. No allocation is sized from an unchecked field: a length prefix is bounded before the buffer grows.
#pragma once

#include "common/crypto/footage_format.hpp"
#include "common/crypto/footage_stream.hpp"
#include "common/crypto/secretstream_pull.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bodycam::common::crypto {

enum class footage_errc {
  read_failed,          // the source itself failed (I/O)
  malformed_header,     // not this format (magic) or a header field out of range
  unsupported_version,  // a version this build does not read
  not_for_this_key,     // no envelope names any of our key ids: sealed to another agency or an older key
  envelope_unopenable,  // an envelope names our key id but does not open with our secret key
  header_mismatch,      // the header tag fails under the opened file key: an envelope swapped, the header altered
  tampered_message,     // a message does not authenticate (altered, reordered, or its length prefix altered)
  bad_message,          // a message authenticated but breaks the format (unknown tag, non-empty final message)
  truncated,            // the data ends before the final message: a power cut, or a cut copy
  trailing_bytes,       // bytes follow the final message
  internal,
};

[[nodiscard]] std::string_view to_string(footage_errc code) noexcept;

struct footage_error {
  footage_errc code;
  std::uint64_t message_index = 0;  // the message (= fragment) index where reading stopped
  std::string message;              // "<file>: message 3 does not authenticate ..."
};

class footage_reader {
 public:
  // `keys`: every footage secret key we hold (after rotations, the old ones too); the envelope decides.
  [[nodiscard]] static std::expected<footage_reader, footage_error> open(footage_source& source,
                                                                         std::span<const footage_secret_key> keys,
                                                                         std::string name);

  footage_reader(footage_reader&&) noexcept = default;
  footage_reader& operator=(footage_reader&&) noexcept = default;

  // The next fragment (valid until the next call), or nullopt once the final message was read (invariant 4).
  [[nodiscard]] std::expected<std::optional<core::byte_view>, footage_error> next();

  [[nodiscard]] const footage_header& header() const noexcept { return header_; }
  [[nodiscard]] footage_key_id opened_with() const noexcept { return opened_with_; }
  [[nodiscard]] std::uint64_t fragments_read() const noexcept { return next_index_; }
  [[nodiscard]] bool is_complete() const noexcept { return complete_; }

 private:
  footage_reader(footage_source& source, std::string name) : source_(&source), name_(std::move(name)) {}
  [[nodiscard]] std::unexpected<footage_error> fail(footage_errc code, const std::string& what) const;

  footage_source* source_;
  std::string name_;
  footage_header header_;
  core::byte_buffer header_body_;
  footage_key_id opened_with_;
  guarded_bytes state_;
  std::optional<secretstream_puller> puller_;  // works on state_
  core::byte_buffer cipher_;
  core::byte_buffer plain_;
  std::uint64_t next_index_ = 0;
  bool complete_ = false;
  bool failed_ = false;
};

// Every fragment that authenticates, in order, up to the first error (the power-cut case: a `truncated` file
// gives all its complete fragments). `stopped` is empty only for a complete, well-formed file.
struct footage_salvage {
  std::vector<core::byte_buffer> fragments;
  std::optional<footage_error> stopped;
};
[[nodiscard]] footage_salvage salvage_footage(footage_source& source, std::span<const footage_secret_key> keys,
                                              std::string name);

}  // namespace bodycam::common::crypto
