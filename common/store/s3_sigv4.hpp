// AWS Signature Version 4 for S3 requests, as pure functions of the request, the credentials and the time: no
// I/O, no clock, so the AWS test-suite vectors pin every step (tests/common/store/s3_sigv4_test.cpp). The
// caller percent-encodes the path (sigv4_uri_encode per segment) and sends exactly the headers it signed.
// Guarantees: the canonical request is the one AWS specifies (lower-case header names, trimmed values with
// inner runs of spaces folded, headers and query sorted, query names and values percent-encoded once), so a
// request signed here verifies at any SigV4 server; the secret key is used only inside sigv4_signing_key.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bodycam::common::store {

struct sigv4_credentials {
  std::string access_key_id;
  std::string secret_access_key;
};

struct sigv4_request {
  std::string method;         // "GET", "PUT", …
  std::string canonical_uri;  // the path as sent, already percent-encoded: "/bucket/objects/sha256/ab…"
  std::vector<std::pair<std::string, std::string>> query;    // names and values not yet encoded
  std::vector<std::pair<std::string, std::string>> headers;  // every one is signed; must include host
  std::string payload_sha256_hex;  // of the body; also sent as x-amz-content-sha256 for S3
};

// RFC 3986 percent-encoding of everything but A-Z a-z 0-9 - . _ ~ (and '/' unless `encode_slash`).
[[nodiscard]] std::string sigv4_uri_encode(std::string_view text, bool encode_slash);
// "name=value&…", encoded and sorted: the canonical query string, also what goes on the wire.
[[nodiscard]] std::string sigv4_canonical_query(const std::vector<std::pair<std::string, std::string>>& query);
// "host;range;x-amz-date": the lower-case header names, sorted.
[[nodiscard]] std::string sigv4_signed_headers(const sigv4_request& request);
[[nodiscard]] std::string sigv4_canonical_request(const sigv4_request& request);
// "20130524T000000Z" for a point in time (UTC).
[[nodiscard]] std::string sigv4_amz_date(std::chrono::system_clock::time_point when);
// "<date>/<region>/<service>/aws4_request".
[[nodiscard]] std::string sigv4_scope(std::string_view amz_date, std::string_view region, std::string_view service);
[[nodiscard]] std::string sigv4_string_to_sign(std::string_view amz_date, std::string_view scope,
                                               std::string_view canonical_request);
// Lower-case hex of the signature over `string_to_sign`.
[[nodiscard]] std::string sigv4_signature(const sigv4_credentials& credentials, std::string_view amz_date,
                                          std::string_view region, std::string_view service,
                                          std::string_view string_to_sign);
// The Authorization header value: "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…". `amz_date` must
// be the value of the request's x-amz-date header.
[[nodiscard]] std::string sigv4_authorization(const sigv4_request& request, const sigv4_credentials& credentials,
                                              std::string_view amz_date, std::string_view region,
                                              std::string_view service);

}  // namespace bodycam::common::store
