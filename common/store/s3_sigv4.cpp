#include "common/store/s3_sigv4.hpp"

#include "common/core/hex.hpp"
#include "common/crypto/sha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <stdexcept>

namespace bodycam::common::store {

namespace {

using digest_bytes = std::array<std::uint8_t, 32>;

digest_bytes hmac_sha256(std::string_view key, std::string_view message) {
  digest_bytes out{};
  unsigned int length = 0;
  // HMAC-SHA256 with a key and message in memory cannot fail short of memory exhaustion.
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(), &length) == nullptr)
    throw std::bad_alloc();
  return out;
}

std::string_view as_text(const digest_bytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return out;
}

// Leading and trailing blanks removed, inner runs of blanks folded to one space.
std::string trim_value(std::string_view value) {
  std::string out;
  bool blank = false;
  for (const char c : value) {
    if (c == ' ' || c == '\t') {
      blank = !out.empty();
      continue;
    }
    if (blank) out.push_back(' ');
    blank = false;
    out.push_back(c);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> canonical_headers(const sigv4_request& request) {
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) headers.emplace_back(to_lower(name), trim_value(value));
  std::ranges::sort(headers);
  return headers;
}

}  // namespace

std::string sigv4_uri_encode(std::string_view text, bool encode_slash) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (c == '/' && !encode_slash)) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(digits[byte >> 4]);
      out.push_back(digits[byte & 0x0f]);
    }
  }
  return out;
}

std::string sigv4_canonical_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query)
    encoded.emplace_back(sigv4_uri_encode(name, true), sigv4_uri_encode(value, true));
  std::ranges::sort(encoded);
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name + "=" + value;
  }
  return out;
}

std::string sigv4_signed_headers(const sigv4_request& request) {
  std::string out;
  for (const auto& [name, value] : canonical_headers(request)) {
    if (!out.empty()) out.push_back(';');
    out += name;
  }
  return out;
}

std::string sigv4_canonical_request(const sigv4_request& request) {
  std::string out = request.method + "\n" + request.canonical_uri + "\n" + sigv4_canonical_query(request.query) + "\n";
  for (const auto& [name, value] : canonical_headers(request)) out += name + ":" + value + "\n";
  out += "\n" + sigv4_signed_headers(request) + "\n" + request.payload_sha256_hex;
  return out;
}

std::string sigv4_amz_date(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&t, &utc);
  std::array<char, 32> text{};
  const std::size_t n = std::strftime(text.data(), text.size(), "%Y%m%dT%H%M%SZ", &utc);
  return {text.data(), n};
}

std::string sigv4_scope(std::string_view amz_date, std::string_view region, std::string_view service) {
  return std::string(amz_date.substr(0, 8)) + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
}

std::string sigv4_string_to_sign(std::string_view amz_date, std::string_view scope,
                                 std::string_view canonical_request) {
  return "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + std::string(scope) + "\n" +
         crypto::sha256(canonical_request).to_hex();
}

std::string sigv4_signature(const sigv4_credentials& credentials, std::string_view amz_date,
                            std::string_view region, std::string_view service, std::string_view string_to_sign) {
  const auto date_key = hmac_sha256("AWS4" + credentials.secret_access_key, amz_date.substr(0, 8));
  const auto region_key = hmac_sha256(as_text(date_key), region);
  const auto service_key = hmac_sha256(as_text(region_key), service);
  const auto signing_key = hmac_sha256(as_text(service_key), "aws4_request");
  return core::to_hex(hmac_sha256(as_text(signing_key), string_to_sign));
}

std::string sigv4_authorization(const sigv4_request& request, const sigv4_credentials& credentials,
                                std::string_view amz_date, std::string_view region, std::string_view service) {
  const std::string scope = sigv4_scope(amz_date, region, service);
  const std::string to_sign = sigv4_string_to_sign(amz_date, scope, sigv4_canonical_request(request));
  return "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
         ", SignedHeaders=" + sigv4_signed_headers(request) +
         ", Signature=" + sigv4_signature(credentials, amz_date, region, service, to_sign);
}

}  // namespace bodycam::common::store
