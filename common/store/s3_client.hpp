// One S3 bucket as signed HTTP calls: builds path-style requests (http[s]://host:port/<bucket>/<key>), signs
// each with SigV4 over its payload's SHA-256 (sent as x-amz-content-sha256), and turns S3 error responses
// into `core::error`s that name the operation, the item and the endpoint, with S3's own error code. Shared by
// the backend and the readers it hands out, so a reader outlives nothing it needs. Thread-safe.
#pragma once

#include "common/crypto/sha256.hpp"
#include "common/store/s3_http.hpp"
#include "common/store/s3_sigv4.hpp"

#include <openssl/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bodycam::common::store {

struct s3_store_options {
  std::string endpoint;  // "http://127.0.0.1:7480" or "https://s3.example:443", path-style
  std::string bucket;
  // https: the CA certificates (PEM) that may sign the endpoint's certificate; empty: the system's CAs.
  std::string ca_file;
  std::string region = "us-east-1";
  sigv4_credentials credentials;
  // Every create sets Object Lock COMPLIANCE retention until now + retention (when worm is on).
  std::chrono::days retention{183};
  // On: at open, prove the bucket refuses overwrite and delete, and lock every object. Off: neither (a bucket
  // that is not write-once; for trying things out only).
  bool worm = true;
  std::chrono::milliseconds timeout{30'000};
  // An item above the threshold is stored by a multipart upload in parts of multipart_part_bytes (the last
  // smaller), each checked by the server like a single PUT (S1).
  std::uint64_t multipart_threshold_bytes = std::uint64_t{64} << 20;
  std::uint64_t multipart_part_bytes = std::uint64_t{16} << 20;
  // recover() aborts multipart uploads older than this (left by a killed writer; a live one is younger).
  std::chrono::seconds stale_upload_age = std::chrono::hours(6);
};

// S3's limits: parts but the last are at least 5 MiB and at most 5 GiB, one PUT at most 5 GiB, 10,000 parts.
inline constexpr std::uint64_t s3_min_part_bytes = std::uint64_t{5} << 20;
inline constexpr std::uint64_t s3_max_part_bytes = std::uint64_t{5} << 30;
inline constexpr std::uint64_t s3_max_single_put_bytes = std::uint64_t{5} << 30;
inline constexpr std::uint64_t s3_max_parts = 10'000;

using query_params = std::vector<std::pair<std::string, std::string>>;

class s3_client {
 public:
  // errc::invalid_argument for an endpoint that is not http[s]://host[:port], an empty bucket or a CA file
  // that cannot be loaded.
  [[nodiscard]] static core::expected<std::shared_ptr<s3_client>> make(s3_store_options options);

  // `key` "" addresses the bucket itself. Headers are added to host, x-amz-date and x-amz-content-sha256: the
  // body's SHA-256, hashed here, or `declared_sha256` as given (not checked here: the server refuses a body that
  // does not hash to it, HTTP 400 XAmzContentSHA256Mismatch, if it checks payloads; s3_payload_checked).
  [[nodiscard]] core::expected<http_response> call(std::string method, std::string_view key,
                                                   const query_params& query = {}, http_headers headers = {},
                                                   std::string_view body = {},
                                                   const std::optional<crypto::sha256_digest>& declared_sha256 = {}) const;

  // An error for a response that was not what `operation` expected: "<operation> <what> in s3 store <url>:
  // HTTP 403 SignatureDoesNotMatch: …". 404 → not_found, 403 → permission, 507 or QuotaExceeded → no_space,
  // 409 → conflict, 412 → already_exists, 500/502/503/504 or SlowDown → closed (the service is away for now: worth retrying), others → io.
  [[nodiscard]] core::error error_of(const http_response& response, std::string_view operation,
                                     std::string_view what) const;

  [[nodiscard]] const s3_store_options& options() const noexcept { return options_; }
  // "s3 store http://127.0.0.1:7480/bucket".
  [[nodiscard]] std::string describe() const { return "s3 store " + options_.endpoint + "/" + options_.bucket; }

  s3_client(s3_store_options options, std::string host_header, std::unique_ptr<http_client> http);

 private:
  s3_store_options options_;
  std::string host_header_;
  std::unique_ptr<http_client> http_;
};

// Content-MD5: base64 of the MD5 of a body (the server's check that the bytes arrived unchanged).
[[nodiscard]] std::string s3_content_md5(std::string_view body);

// The same, fed piece by piece (a body hashed as it is read, while its bytes are in the cache).
class s3_md5 {
 public:
  s3_md5();
  ~s3_md5();
  s3_md5(const s3_md5&) = delete;
  s3_md5& operator=(const s3_md5&) = delete;
  void update(std::string_view bytes);
  // Content-MD5 of everything given; the hasher is then spent.
  [[nodiscard]] std::string finish_base64();

 private:
  EVP_MD_CTX* context_;
};

// "2026-12-04T23:30:00Z" for a point in time (UTC), as Object Lock wants its dates.
[[nodiscard]] std::string s3_iso8601(std::chrono::system_clock::time_point when);

}  // namespace bodycam::common::store
