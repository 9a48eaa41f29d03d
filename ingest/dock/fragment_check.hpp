// The dock's own check of a segment's fragment structure against its signed record (DESIGN.md §5:
// "verify ... fragment root"), independent of the camera's code: the file's top-level MP4 boxes are walked (sizes checked
// against the file), the init part (ftyp + moov) is hashed and compared with init_sha256, each (moof, mdat) pair
// is one fragment whose SHA-256 is a Merkle leaf (RFC 6962, common/crypto/merkle.hpp), and the root over the
// first fragment_count fragments must equal fragment_root. Bytes after them (an mfra box, or the unsigned tail
// of a salvaged segment) are not part of the root.
// An encrypted segment (`encrypted`: its record has the `encrypted` field; docs/formats/chain.md §4.2) is walked by
// its message framing instead (docs/formats/encrypted-footage.md): the init part is the header and message 0,
// fragment i is message i + 1 with its length prefix, and the same init hash, count and root are checked on the
// ciphertext, without any key.
// `fragment_stream` does the walk on bytes as they arrive (the dock feeds it while it spools a file, so each
// byte is read once); `check_fragments` feeds it a whole file. Both give the same answer for the same bytes.
// Invariants:
//  1. No read past the end of the bytes; a box size smaller than its header is a mismatch naming the offset,
//     never an exception or a guess; a box that runs past the end is an unsigned tail.
//  2. The result is `ok` only if init hash, fragment count and root all match.
//  3. Memory is one small entry per complete box (a digest for each fragment), never the bytes themselves.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"
#include "common/crypto/sha256.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::ingest::dock {

struct fragment_expectation {
  common::crypto::sha256_digest init_sha256;
  std::uint32_t fragment_count = 0;
  common::crypto::sha256_digest fragment_root;
  bool encrypted = false;
};

class fragment_stream {
 public:
  explicit fragment_stream(fragment_expectation want) : want_(want) {}
  void update(common::core::byte_view bytes);
  // nullopt if the bytes fed so far match; otherwise what differs. Call once, after the last update.
  [[nodiscard]] std::optional<std::string> finish();

 private:
  struct box {
    std::string type;
    common::crypto::sha256_digest digest;  // of its pair (moof + mdat) when it ends one; else unused
  };
  void start_box(std::uint64_t size, std::uint64_t header_size);
  void feed(common::core::byte_view bytes);
  void end_box();
  void update_encrypted(common::core::byte_view bytes);
  [[nodiscard]] std::optional<std::string> finish_encrypted();

  fragment_expectation want_;
  std::uint64_t offset_ = 0;                 // bytes fed so far
  common::core::byte_buffer header_;         // a box header being gathered (8 or 16 bytes)
  std::string type_;                         // of the open box
  std::optional<std::uint64_t> remaining_;   // bytes left of the open box (nullopt: none open; size 0 = to the end)
  bool to_end_ = false;                      // the open box declared size 0: it runs to the end of the bytes
  std::vector<box> complete_;                // complete top-level boxes, in order
  common::crypto::sha256_hasher init_;       // ftyp + moov
  common::crypto::sha256_hasher pair_;       // the moof + mdat being read
  std::optional<std::string> problem_;       // a malformed header: the walk stops there
  // Encrypted walk: the footage header's length once known, then messages (length prefix + ciphertext).
  std::optional<std::uint64_t> header_length_;
  std::uint64_t messages_complete_ = 0;
  std::vector<common::crypto::sha256_digest> message_digests_;  // of messages 1 .. fragment_count
};

// nullopt if the file matches; otherwise what differs. Errors: the file could not be read.
[[nodiscard]] common::core::expected<std::optional<std::string>> check_fragments(const std::filesystem::path& file,
                                                                                 const fragment_expectation& want);

}  // namespace bodycam::ingest::dock
