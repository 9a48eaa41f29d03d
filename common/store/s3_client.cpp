#include "common/store/s3_client.hpp"

#include "common/crypto/sha256.hpp"
#include "common/store/s3_xml.hpp"

#include <openssl/evp.h>

#include <array>
#include <new>
#include <ctime>

namespace bodycam::common::store {

core::expected<std::shared_ptr<s3_client>> s3_client::make(s3_store_options options) {
  std::string_view rest = options.endpoint;
  const bool tls = rest.starts_with("https://");
  const std::string_view scheme = tls ? "https://" : "http://";
  if (!rest.starts_with(scheme))
    return core::fail(core::errc::invalid_argument,
                      "s3 store endpoint " + options.endpoint + ": only http[s]://host[:port] is supported");
  rest.remove_prefix(scheme.size());
  while (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty() || rest.find('/') != std::string_view::npos)
    return core::fail(core::errc::invalid_argument,
                      "s3 store endpoint " + options.endpoint + ": expected http[s]://host[:port] with no path");
  const auto colon = rest.rfind(':');
  const std::string host(colon == std::string_view::npos ? rest : rest.substr(0, colon));
  const std::string port(colon == std::string_view::npos ? std::string_view(tls ? "443" : "80")
                                                         : rest.substr(colon + 1));
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos)
    return core::fail(core::errc::invalid_argument, "s3 store endpoint " + options.endpoint + ": bad host or port");
  if (options.bucket.empty() || sigv4_uri_encode(options.bucket, true) != options.bucket)
    return core::fail(core::errc::invalid_argument,
                      "s3 store bucket '" + options.bucket + "': expected a plain bucket name");
  if (!tls && !options.ca_file.empty())
    return core::fail(core::errc::invalid_argument, "s3 store endpoint " + options.endpoint +
                                                        ": a CA file is for https:// endpoints only");
  std::string host_header(rest);
  options.endpoint = std::string(scheme) + host_header;
  std::unique_ptr<http_client> http;
  if (tls) {
    auto made = http_client::make_tls(host, port, options.endpoint, options.timeout, {options.ca_file});
    if (!made) return std::unexpected(made.error());
    http = std::move(*made);
  } else {
    http = std::make_unique<http_client>(host, port, options.endpoint, options.timeout);
  }
  return std::make_shared<s3_client>(std::move(options), std::move(host_header), std::move(http));
}

s3_client::s3_client(s3_store_options options, std::string host_header, std::unique_ptr<http_client> http)
    : options_(std::move(options)), host_header_(std::move(host_header)), http_(std::move(http)) {}

core::expected<http_response> s3_client::call(std::string method, std::string_view key, const query_params& query,
                                              http_headers headers, std::string_view body,
                                              const std::optional<crypto::sha256_digest>& declared_sha256) const {
  sigv4_request request;
  request.method = std::move(method);
  request.canonical_uri = "/" + options_.bucket;
  if (!key.empty()) request.canonical_uri += "/" + sigv4_uri_encode(key, false);
  request.query = query;
  request.payload_sha256_hex = (declared_sha256 ? *declared_sha256 : crypto::sha256(body)).to_hex();
  const std::string amz_date = sigv4_amz_date(std::chrono::system_clock::now());
  request.headers = std::move(headers);
  request.headers.emplace_back("host", host_header_);
  request.headers.emplace_back("x-amz-date", amz_date);
  request.headers.emplace_back("x-amz-content-sha256", request.payload_sha256_hex);
  const std::string authorization =
      sigv4_authorization(request, options_.credentials, amz_date, options_.region, "s3");

  http_request out;
  out.method = request.method;
  out.target = request.canonical_uri;
  if (const auto q = sigv4_canonical_query(query); !q.empty()) out.target += "?" + q;
  out.headers = std::move(request.headers);
  out.headers.emplace_back("authorization", authorization);
  out.body = body;
  return http_->send(out);
}

core::error s3_client::error_of(const http_response& response, std::string_view operation,
                                std::string_view what) const {
  std::string code_text;
  std::string message;
  if (!response.body.empty())
    if (auto xml = parse_xml(response.body, "error response"); xml && xml->name == "Error") {
      code_text = std::string(xml->child_text("Code"));
      message = std::string(xml->child_text("Message"));
    }
  core::errc code = core::errc::io;
  switch (response.status) {
    case 404: code = core::errc::not_found; break;
    case 403: code = core::errc::permission; break;
    case 409: code = core::errc::conflict; break;
    case 412: code = core::errc::already_exists; break;
    case 507: code = core::errc::no_space; break;
    case 500:
    case 502:
    case 503:
    case 504: code = core::errc::closed; break;  // the service is away for now: retryable
    default: break;
  }
  if (code_text == "QuotaExceeded" || code_text == "EntityTooLarge") code = core::errc::no_space;
  if (code_text == "SlowDown" || code_text == "ServiceUnavailable") code = core::errc::closed;
  std::string context = std::string(operation) + " " + std::string(what) + " in " + describe() + ": HTTP " +
                        std::to_string(response.status);
  if (!code_text.empty()) context += " " + code_text;
  if (!message.empty()) context += ": " + message;
  if (code_text == "SignatureDoesNotMatch" || code_text == "InvalidAccessKeyId")
    context += " (the endpoint refused the credentials: check the access key and secret key)";
  return core::error{code, std::move(context)};
}

std::string s3_content_md5(std::string_view body) {
  s3_md5 md5;
  md5.update(body);
  return md5.finish_base64();
}

s3_md5::s3_md5() : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr || EVP_DigestInit_ex(context_, EVP_md5(), nullptr) != 1) {
    EVP_MD_CTX_free(context_);
    throw std::bad_alloc();
  }
}

s3_md5::~s3_md5() { EVP_MD_CTX_free(context_); }

void s3_md5::update(std::string_view bytes) {
  if (EVP_DigestUpdate(context_, bytes.data(), bytes.size()) != 1) throw std::bad_alloc();
}

std::string s3_md5::finish_base64() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_, digest.data(), &length) != 1) throw std::bad_alloc();
  std::array<unsigned char, 32> text{};
  const int n = EVP_EncodeBlock(text.data(), digest.data(), static_cast<int>(length));
  return {reinterpret_cast<const char*>(text.data()), static_cast<std::size_t>(n)};
}

std::string s3_iso8601(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&t, &utc);
  std::array<char, 32> text{};
  const std::size_t n = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return {text.data(), n};
}

}  // namespace bodycam::common::store
