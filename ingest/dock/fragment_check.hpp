// The dock's own check of a segment's fragment structure against its signed record (DESIGN.md §5:
// "verify ... fragment root"), independent of the camera's code: the file's top-level MP4 boxes are walked (sizes checked
// against the file), the init part (ftyp + moov) is hashed and compared with init_sha256, each (moof, mdat) pair
// is one fragment whose SHA-256 is a Merkle leaf (RFC 6962, common/crypto/merkle.hpp), and the root over the
// first fragment_count fragments must equal fragment_root. Bytes after them (an mfra box, or the unsigned tail
// of a salvaged segment) are not part of the root.
// Invariants:
//  1. No read past the end of the file; a box size smaller than its header or past the end is a mismatch
//     naming the offset, never an exception or a guess.
//  2. The result is `ok` only if init hash, fragment count and root all match.
#pragma once

#include "common/core/error.hpp"
#include "common/crypto/sha256.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace bodycam::ingest::dock {

struct fragment_expectation {
  common::crypto::sha256_digest init_sha256;
  std::uint32_t fragment_count = 0;
  common::crypto::sha256_digest fragment_root;
};

// nullopt if the file matches; otherwise what differs. Errors: the file could not be read.
[[nodiscard]] common::core::expected<std::optional<std::string>> check_fragments(const std::filesystem::path& file,
                                                                                 const fragment_expectation& want);

}  // namespace bodycam::ingest::dock
