// Multipart uploads for the S3 backend (S1, S7 in s3_backend.hpp): an item above the configured threshold is
// sent as parts of `multipart_part_bytes` (the last smaller), each one signed PUT with Content-MD5 and
// x-amz-content-sha256 of its own bytes, so the server refuses a part that changed on the way. Guarantees:
//  M1 Nothing is visible before CompleteMultipartUpload; an upload that fails at any step, or whose bytes do
//     not hash to the declared SHA-256, is aborted (AbortMultipartUpload) and leaves no version.
//  M2 After completion the new version is checked by a HEAD of that version (its size must be the bytes sent;
//     RGW 16 answers the completion with an empty ETag, so the ETag proves nothing) and carries COMPLIANCE
//     retention (asked for at the start, set on the version if the engine did not apply it).
//  M3 An upload a killed writer left open is aborted by recover() once it is older than `stale_upload_age`.
#pragma once

#include "common/crypto/sha256.hpp"
#include "common/store/byte_source.hpp"
#include "common/store/s3_client.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace bodycam::common::store {

// How many bytes the S3 backend reads from a byte_source at a time, for a single PUT and for each part.
inline constexpr std::size_t s3_read_chunk_bytes = std::size_t{64} * 1024;

// Uploads `buffered` followed by the rest of `source` to `key`, feeding every byte read from `source` to
// `hasher` (which has already seen `buffered`). `lock_headers` are the Object Lock headers of S2 (empty with
// worm off). Returns the version id of the completed object ("" in a bucket without versioning).
[[nodiscard]] core::expected<std::string> s3_multipart_put(const s3_client& client, const std::string& key,
                                                           const std::string& what, std::string buffered,
                                                           byte_source& source, crypto::sha256_hasher& hasher,
                                                           const crypto::sha256_digest& expected_sha256,
                                                           const http_headers& lock_headers);

// M3: aborts every multipart upload in the bucket started more than `older_than` ago; returns one line per
// aborted upload ("multipart upload <id> of <key> started <time>").
[[nodiscard]] core::expected<std::vector<std::string>> s3_abort_stale_uploads(
    const s3_client& client, std::chrono::system_clock::duration older_than);

}  // namespace bodycam::common::store
