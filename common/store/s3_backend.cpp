// The S3 backend's operations (S1, S2, S4, S5); opening and the write-once probe are in s3_open.cpp.
#include "common/store/s3_backend.hpp"

#include "common/store/s3_xml.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>

namespace bodycam::common::store {

namespace {

constexpr std::size_t read_chunk_bytes = std::size_t{64} * 1024;
constexpr std::uint64_t open_range_bytes = std::uint64_t{8} << 20;
constexpr std::uint64_t max_create_bytes = std::uint64_t{5} << 30;  // S3's limit for one PUT

// Content-MD5: base64 of the MD5 of the body (the server's check that the bytes arrived unchanged).
std::string content_md5(std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(body.data(), body.size(), digest.data(), &length, EVP_md5(), nullptr) != 1)
    throw std::bad_alloc();
  std::array<unsigned char, 32> text{};
  const int n = EVP_EncodeBlock(text.data(), digest.data(), static_cast<int>(length));
  return {reinterpret_cast<const char*>(text.data()), static_cast<std::size_t>(n)};
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

core::expected<std::uint64_t> content_length(const http_response& response, std::string_view what) {
  const auto header = response.header("content-length");
  const auto value = header ? parse_u64(*header) : std::nullopt;
  if (!value) return core::fail(core::errc::malformed, std::string(what) + ": no valid Content-Length in the answer");
  return *value;
}

// Streams a stored item as consecutive ranged GETs, so no more than one range is in memory.
class ranged_reader final : public object_reader {
 public:
  ranged_reader(std::shared_ptr<s3_client> client, std::string key, std::uint64_t size, std::string description)
      : client_(std::move(client)), key_(std::move(key)), size_(size), description_(std::move(description)) {}

  [[nodiscard]] core::expected<std::size_t> read(std::span<std::uint8_t> buffer) override {
    if (buffered_pos_ == buffered_.size()) {
      if (position_ == size_) return std::size_t{0};
      const std::uint64_t last = std::min(size_, position_ + open_range_bytes) - 1;
      auto r = client_->call("GET", key_, {}, {{"range", "bytes=" + std::to_string(position_) + "-" +
                                                             std::to_string(last)}});
      if (!r) return core::wrap("read " + description_, r.error());
      if (r->status != 206 && !(r->status == 200 && position_ == 0 && r->body.size() == size_))
        return std::unexpected(client_->error_of(*r, "read", description_));
      if (r->status == 200) r->body.resize(static_cast<std::size_t>(last + 1));
      if (r->body.size() != last - position_ + 1)
        return core::fail(core::errc::corrupt, "read " + description_ + ": asked for bytes " +
                                                   std::to_string(position_) + "-" + std::to_string(last) + ", got " +
                                                   std::to_string(r->body.size()) + " bytes");
      buffered_ = std::move(r->body);
      buffered_pos_ = 0;
      position_ = last + 1;
    }
    const std::size_t n = std::min(buffer.size(), buffered_.size() - buffered_pos_);
    std::copy_n(buffered_.begin() + static_cast<std::ptrdiff_t>(buffered_pos_), n, buffer.begin());
    buffered_pos_ += n;
    return n;
  }
  [[nodiscard]] std::uint64_t size() const override { return size_; }
  [[nodiscard]] std::string describe() const override { return description_; }

 private:
  std::shared_ptr<s3_client> client_;
  std::string key_;
  std::uint64_t size_;
  std::string description_;
  std::uint64_t position_ = 0;  // of the next range to fetch
  std::string buffered_;
  std::size_t buffered_pos_ = 0;
};

}  // namespace

std::string s3_backend::name_of(const store_key& key) const {
  return std::string(key.kind()) + " " + key.str();
}

core::expected<create_outcome> s3_backend::create(const store_key& key, byte_source& source,
                                                  const crypto::sha256_digest& expected_sha256) {
  const std::string what = name_of(key);
  // S1: a HEAD first spares sending bytes the store already holds.
  auto present = stat(key);
  if (!present) return std::unexpected(present.error());
  if (*present) return create_outcome::already_exists;

  std::string body;
  if (const auto size = source.known_size(); size && *size <= max_create_bytes)
    body.reserve(static_cast<std::size_t>(*size));
  crypto::sha256_hasher hasher;
  std::array<std::uint8_t, read_chunk_bytes> chunk{};
  for (;;) {
    auto n = source.read(chunk);
    if (!n) return core::wrap("put " + what + " in " + describe(), n.error());
    if (*n == 0) break;
    hasher.update(core::byte_view(chunk).first(*n));
    body.append(reinterpret_cast<const char*>(chunk.data()), *n);
    if (body.size() > max_create_bytes)
      return core::fail(core::errc::invalid_argument, "put " + what + " in " + describe() + ": larger than " +
                                                          std::to_string(max_create_bytes) + " bytes");
  }
  const auto actual = hasher.finish();
  if (actual != expected_sha256)
    return core::fail(core::errc::corrupt, "put " + what + " in " + describe() + ": the content hashes to " +
                                               actual.to_hex() + ", not " + expected_sha256.to_hex() +
                                               "; nothing stored");

  http_headers headers{{"if-none-match", "*"}, {"content-md5", content_md5(body)}};
  if (client_->options().worm) {
    // S2: locked from the moment it exists.
    headers.emplace_back("x-amz-object-lock-mode", "COMPLIANCE");
    headers.emplace_back("x-amz-object-lock-retain-until-date",
                         s3_iso8601(std::chrono::system_clock::now() + client_->options().retention));
  }
  // A racing create may hold the key in a state the server answers with 409 (its PUT still in flight): ask
  // again until the race is decided.
  for (int attempt = 0;; ++attempt) {
    auto r = client_->call("PUT", key.str(), {}, headers, body);
    if (!r) return core::wrap("put " + what, r.error());
    if (r->status == 200) return create_outcome::created;
    if (r->status == 412) return create_outcome::already_exists;
    if (r->status == 409 && attempt < 20) {
      auto now = stat(key);
      if (!now) return std::unexpected(now.error());
      if (*now) return create_outcome::already_exists;
      continue;
    }
    return std::unexpected(client_->error_of(*r, "put", what));
  }
}

core::expected<std::unique_ptr<object_reader>> s3_backend::open(const store_key& key) const {
  const std::string what = name_of(key);
  auto size = stat(key);
  if (!size) return std::unexpected(size.error());
  if (!*size) return core::fail(core::errc::not_found, "open " + what + " in " + describe() + ": not stored");
  return std::make_unique<ranged_reader>(client_, key.str(), **size, what + " in " + describe());
}

core::expected<core::byte_buffer> s3_backend::read_range(const store_key& key, std::uint64_t offset,
                                                         std::size_t length) const {
  const std::string what = name_of(key);
  const auto past_end_or_empty = [&]() -> core::expected<core::byte_buffer> {
    auto size = stat(key);
    if (!size) return std::unexpected(size.error());
    if (!*size) return core::fail(core::errc::not_found, "read " + what + " in " + describe() + ": not stored");
    if (offset > **size)
      return core::fail(core::errc::invalid_argument, "read " + what + " in " + describe() + ": offset " +
                                                          std::to_string(offset) + " is past its end (" +
                                                          std::to_string(**size) + " bytes)");
    return core::byte_buffer{};
  };
  if (length == 0) return past_end_or_empty();
  const std::uint64_t last = offset + length - 1;
  auto r = client_->call("GET", key.str(), {},
                         {{"range", "bytes=" + std::to_string(offset) + "-" + std::to_string(last)}});
  if (!r) return core::wrap("read " + what, r.error());
  if (r->status == 416) return past_end_or_empty();
  if (r->status == 200 && offset == 0) r->body.resize(std::min<std::size_t>(r->body.size(), length));
  else if (r->status != 206) return std::unexpected(client_->error_of(*r, "read", what));
  if (r->body.size() > length)
    return core::fail(core::errc::corrupt, "read " + what + " in " + describe() + ": asked for " +
                                               std::to_string(length) + " bytes, got " +
                                               std::to_string(r->body.size()));
  return core::byte_buffer(r->body.begin(), r->body.end());
}

core::expected<std::optional<std::uint64_t>> s3_backend::stat(const store_key& key) const {
  const std::string what = name_of(key);
  auto r = client_->call("HEAD", key.str());
  if (!r) return core::wrap("stat " + what, r.error());
  if (r->status == 404) return std::optional<std::uint64_t>{};
  if (r->status != 200) return std::unexpected(client_->error_of(*r, "stat", what));
  auto size = content_length(*r, "stat " + what + " in " + describe());
  if (!size) return std::unexpected(size.error());
  return std::optional<std::uint64_t>{*size};
}

core::status s3_backend::list(const store_key& folder, const list_visitor& visit) const {
  const std::string prefix = folder.str() + "/";
  const std::string what = "folder " + folder.str();
  std::string token;
  for (;;) {
    query_params query{{"list-type", "2"}, {"prefix", prefix}, {"delimiter", "/"}, {"max-keys", "1000"}};
    if (!token.empty()) query.emplace_back("continuation-token", token);
    auto r = client_->call("GET", "", query);
    if (!r) return core::wrap("list " + what, r.error());
    if (r->status != 200) return std::unexpected(client_->error_of(*r, "list", what));
    auto xml = parse_xml(r->body, "ListObjectsV2 answer for " + what + " in " + describe());
    if (!xml) return std::unexpected(xml.error());
    if (xml->name != "ListBucketResult")
      return core::fail(core::errc::malformed, "list " + what + " in " + describe() + ": the answer is <" +
                                                   xml->name + ">, not <ListBucketResult>");
    for (const auto& child : xml->children) {
      const bool is_folder = child.name == "CommonPrefixes";
      if (child.name != "Contents" && !is_folder) continue;
      std::string_view name = child.child_text(is_folder ? "Prefix" : "Key");
      if (!name.starts_with(prefix)) continue;
      name.remove_prefix(prefix.size());
      if (is_folder && name.ends_with('/')) name.remove_suffix(1);
      if (!is_valid_key_component(name)) continue;
      if (!visit(list_entry{std::string(name), is_folder})) return {};
    }
    if (xml->child_text("IsTruncated") != "true") return {};
    token = std::string(xml->child_text("NextContinuationToken"));
    if (token.empty())
      return core::fail(core::errc::malformed,
                        "list " + what + " in " + describe() + ": a truncated answer without a continuation token");
  }
}

core::status s3_backend::remove(const store_key& key) {
  const std::string what = name_of(key);
  auto present = stat(key);
  if (!present) return std::unexpected(present.error());
  if (!*present) return core::fail(core::errc::not_found, "remove " + what + " in " + describe() + ": not stored");
  auto r = client_->call("DELETE", key.str());
  if (!r) return core::wrap("remove " + what, r.error());
  if (r->status != 204 && r->status != 200) return std::unexpected(client_->error_of(*r, "remove", what));
  return {};
}

}  // namespace bodycam::common::store
