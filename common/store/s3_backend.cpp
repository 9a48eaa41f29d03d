// The S3 backend's operations (S1-S3, S5-S7); opening and the write-once probe are in s3_open.cpp, multipart
// uploads in s3_multipart.cpp.
#include "common/store/s3_backend.hpp"

#include "common/store/s3_multipart.hpp"
#include "common/store/s3_xml.hpp"

#include <algorithm>
#include <charconv>

namespace bodycam::common::store {

namespace {

constexpr std::uint64_t open_range_bytes = std::uint64_t{8} << 20;
constexpr std::size_t max_cached_versions = 100'000;
// How long a lookup that found a key absent spares a create of that key its own lookup (S1).
constexpr auto absence_memory = std::chrono::seconds(10);
// The most names a records folder listed moments ago may hold for its one-digit seqs to confirm together (S3).
constexpr std::size_t max_small_folder = 100;
// The most names of folder listings remembered at once (S1).
constexpr std::size_t max_remembered_listing = 10'000;

query_params version_query(const std::string& id) {
  if (id.empty()) return {};
  return {{"versionId", id}};
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
  ranged_reader(std::shared_ptr<s3_client> client, std::string key, std::string version_id, std::uint64_t size,
                std::string description)
      : client_(std::move(client)),
        key_(std::move(key)),
        version_id_(std::move(version_id)),
        size_(size),
        description_(std::move(description)) {}

  [[nodiscard]] core::expected<std::size_t> read(std::span<std::uint8_t> buffer) override {
    if (buffered_pos_ == buffered_.size()) {
      if (position_ == size_) return std::size_t{0};
      const std::uint64_t last = std::min(size_, position_ + open_range_bytes) - 1;
      auto r = client_->call("GET", key_, version_query(version_id_), {{"range", "bytes=" + std::to_string(position_) + "-" +
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
  std::string version_id_;
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

s3_backend::spare_body::spare_body(spare_bodies& from) : pool(from) {
  const std::lock_guard lock(pool.mutex);
  if (pool.buffers.empty()) return;
  body = std::move(pool.buffers.back());
  pool.buffers.pop_back();
}

s3_backend::spare_body::~spare_body() {
  if (body.capacity() < (std::size_t{1} << 20)) return;  // small (a record's), or moved into a multipart upload
  body.clear();
  const std::lock_guard lock(pool.mutex);
  if (pool.buffers.size() < spare_bodies::max_spare_bodies) pool.buffers.push_back(std::move(body));
}

core::expected<create_outcome> s3_backend::create(const store_key& key, byte_source& source,
                                                  const crypto::sha256_digest& expected_sha256) {
  const std::string what = name_of(key);
  // S1: a lookup first spares sending bytes the store already holds, unless this backend found the key absent
  // a moment ago (a caller that asked first, as the dock does).
  if (!absent_moments_ago(key)) {
    auto present = resolve(key);  // not remembered: a retry of this create must look again
    if (!present) return std::unexpected(present.error());
    if (*present) return create_outcome::already_exists;
  }

  // S1: up to the threshold the item is one PUT; above it, a multipart upload (s3_multipart.hpp).
  const auto& options = client_->options();
  http_headers lock_headers;
  if (options.worm) {
    // S2: locked from the moment it exists.
    lock_headers.emplace_back("x-amz-object-lock-mode", "COMPLIANCE");
    lock_headers.emplace_back("x-amz-object-lock-retain-until-date",
                              s3_iso8601(std::chrono::system_clock::now() + options.retention));
  }
  // The bytes are sent from the source's memory if it holds them all (a mapped file, a span), else read
  // straight into the body; MD5 (Content-MD5) is taken piece by piece as they arrive. Their SHA-256 is taken
  // here only if the server has not proved that it checks it (S1); otherwise the declared digest is signed as
  // the payload's, and the server refuses bytes that do not match it.
  spare_body held(spare_bodies_);
  std::string& body = held.body;
  std::string_view payload;  // the single PUT's bytes, once `ended`
  const bool hash_here = !payload_checked_;
  crypto::sha256_hasher hasher;
  s3_md5 md5;
  bool ended = false;
  if (const auto whole = source.in_memory(); whole && whole->size() <= options.multipart_threshold_bytes) {
    payload = std::string_view(reinterpret_cast<const char*>(whole->data()), whole->size());
    if (hash_here) hasher.update(payload);
    md5.update(payload);
    ended = true;
  } else if (const auto size = source.known_size()) {
    body.reserve(static_cast<std::size_t>(std::min(*size, options.multipart_threshold_bytes + s3_read_chunk_bytes)));
  }
  while (!ended && body.size() <= options.multipart_threshold_bytes) {
    const std::size_t at = body.size();
    core::expected<std::size_t> n = 0;
    body.resize_and_overwrite(at + s3_read_chunk_bytes, [&](char* data, std::size_t) {
      n = source.read(std::span(reinterpret_cast<std::uint8_t*>(data) + at, s3_read_chunk_bytes));
      return at + (n ? *n : 0);
    });
    if (!n) return core::wrap("put " + what + " in " + describe(), n.error());
    if (*n == 0) {
      ended = true;
      payload = body;
      break;
    }
    const std::string_view piece(body.data() + at, *n);
    if (hash_here) hasher.update(piece);
    md5.update(piece);
  }
  const auto mismatch = [&](const crypto::sha256_digest& actual) {
    return core::fail(core::errc::corrupt, "put " + what + " in " + describe() + ": the content hashes to " +
                                               actual.to_hex() + ", not " + expected_sha256.to_hex() +
                                               "; nothing stored");
  };
  std::optional<std::string> ours;
  if (!ended) {
    if (!hash_here) hasher.update(std::string_view(body));  // the multipart upload checks the whole here
    auto uploaded = s3_multipart_put(*client_, key.str(), what, std::move(body), source, hasher, expected_sha256,
                                    lock_headers);
    if (!uploaded) return std::unexpected(uploaded.error());
    if (!options.worm) return create_outcome::created;
    ours = *uploaded;
  } else {
    if (hash_here)
      if (const auto actual = hasher.finish(); actual != expected_sha256) return mismatch(actual);
    http_headers headers = lock_headers;
    headers.emplace_back("if-none-match", "*");
    headers.emplace_back("content-md5", md5.finish_base64());
    auto r = client_->call("PUT", key.str(), {}, headers, payload, expected_sha256);
    if (!r) return core::wrap("put " + what, r.error());
    if (r->status == 412) return create_outcome::already_exists;
    if (r->status != 200) {
      auto error = client_->error_of(*r, "put", what);
      // Refused by the server's payload check: the source's fault (corrupt, as if hashed here) unless the
      // bytes it gave do hash to the declared digest (then they changed on the way: the error as it is).
      if (!hash_here && r->status == 400 && error.context.find(" XAmzContentSHA256Mismatch") != std::string::npos)
        if (const auto actual = crypto::sha256(payload); actual != expected_sha256)
          return mismatch(actual);
      return std::unexpected(std::move(error));
    }
    if (!options.worm) return create_outcome::created;
    ours = r->header("x-amz-version-id");
  }
  // S3: ours counts only if it is the key's first version.
  if (!ours || ours->empty())
    return core::fail(core::errc::unsupported, "put " + what + " in " + describe() +
                                                   ": the bucket gave no version id, so it is not versioned");
  auto first = confirm(key);
  if (!first) return std::unexpected(first.error());
  if (!*first)
    return core::fail(core::errc::io, "put " + what + " in " + describe() + ": version " + *ours +
                                          " was acknowledged but is not listed");
  return (*first)->id == *ours ? create_outcome::created : create_outcome::already_exists;
}

core::expected<std::optional<s3_backend::version>> s3_backend::resolve(const store_key& key, bool use_cache,
                                                                      bool remember_absence) const {
  if (use_cache) {
    const std::lock_guard lock(cache_mutex_);
    if (const auto it = first_versions_.find(key.str()); it != first_versions_.end()) return it->second;
  }
  if (!client_->options().worm) {
    auto r = client_->call("HEAD", key.str());
    if (!r) return core::wrap("stat " + name_of(key), r.error());
    if (r->status == 404) return std::optional<version>{};
    if (r->status != 200) return std::unexpected(client_->error_of(*r, "stat", name_of(key)));
    auto size = content_length(*r, "stat " + name_of(key) + " in " + describe());
    if (!size) return std::unexpected(size.error());
    return std::optional<version>{version{"", *size}};
  }
  auto first = first_version(key);
  if (!first) return first;
  if (*first) {
    remember_first_version(key.str(), **first);
  } else if (remember_absence) {
    const std::lock_guard lock(cache_mutex_);
    if (found_absent_.size() >= max_cached_versions) found_absent_.clear();
    found_absent_.insert_or_assign(key.str(), std::chrono::steady_clock::now());
  }
  return first;
}

void s3_backend::remember_first_version(const std::string& key, const version& v) const {
  const std::lock_guard lock(cache_mutex_);
  if (first_versions_.size() >= max_cached_versions) first_versions_.clear();
  first_versions_.insert_or_assign(key, v);
  found_absent_.erase(key);
}

bool s3_backend::absent_moments_ago(const store_key& key) const {
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard lock(cache_mutex_);
  // Each finding counts once: a second create of the key (a retry) looks again, whichever finding the first
  // one used, so both are spent here.
  bool absent = false;
  if (const auto it = found_absent_.find(key.str()); it != found_absent_.end()) {
    absent = now - it->second < absence_memory;
    found_absent_.erase(it);
  }
  const std::string& text = key.str();
  const auto slash = text.rfind('/');
  if (slash == std::string::npos) return absent;
  const auto folder = listed_folders_.find(text.substr(0, slash));
  if (folder == listed_folders_.end() || now - folder->second.at >= absence_memory) return absent;
  const bool unlisted = folder->second.names.insert(text.substr(slash + 1)).second;  // now counted as seen
  return absent || unlisted;
}

core::expected<std::optional<s3_backend::version>> s3_backend::first_version(const store_key& key) const {
  auto found = first_versions(key.str(), true);
  if (!found) return std::unexpected(found.error());
  const auto it = found->find(key.str());
  if (it == found->end()) return std::optional<version>{};
  return std::optional<version>{it->second};
}

// ListObjectVersions lists keys in order and each key's versions and delete markers newest first: a key's
// content is the last version before its first delete marker (S3).
core::expected<std::map<std::string, s3_backend::version>> s3_backend::first_versions(const std::string& prefix,
                                                                                     bool only_prefix) const {
  const std::string what = only_prefix ? "key " + prefix : "the keys under " + prefix;
  std::map<std::string, version> found;
  std::string key;      // the key whose versions are being read
  bool marked = false;  // a delete marker of `key` was seen: its older versions do not count
  query_params query{{"versions", ""}, {"prefix", prefix}};
  for (;;) {
    auto r = client_->call("GET", "", query);
    if (!r) return core::wrap("list the versions of " + what, r.error());
    if (r->status != 200) return std::unexpected(client_->error_of(*r, "list the versions of", what));
    auto xml = parse_xml(r->body, "ListObjectVersions answer for " + what + " in " + describe());
    if (!xml) return std::unexpected(xml.error());
    if (xml->name != "ListVersionsResult")
      return core::fail(core::errc::malformed, "list the versions of " + what + " in " + describe() +
                                                   ": the answer is <" + xml->name + ">");
    for (const auto& child : xml->children) {
      if (child.name != "Version" && child.name != "DeleteMarker") continue;
      const std::string_view listed = child.child_text("Key");
      if (only_prefix && listed != prefix) return found;  // a longer key: the prefix's own, the shortest, are all listed
      if (listed != key) {
        key = listed;
        marked = false;
      }
      if (marked) continue;
      if (child.name == "DeleteMarker") {
        marked = true;
        continue;
      }
      const auto size = parse_u64(child.child_text("Size"));
      const std::string_view id = child.child_text("VersionId");
      if (!size || id.empty())
        return core::fail(core::errc::malformed, "list the versions of " + what + " in " + describe() +
                                                     ": a version without a size or an id");
      found.insert_or_assign(key, version{std::string(id), *size});
    }
    if (xml->child_text("IsTruncated") != "true") return found;
    query = {{"versions", ""},
             {"prefix", prefix},
             {"key-marker", std::string(xml->child_text("NextKeyMarker"))},
             {"version-id-marker", std::string(xml->child_text("NextVersionIdMarker"))}};
  }
}

core::expected<std::optional<s3_backend::version>> s3_backend::confirm(const store_key& key) {
  // Records confirm by the prefix without the seq's last digit (S3 group confirm). A seq of one digit has the
  // device's whole folder as that prefix: so only while a whole listing of the folder moments ago found it
  // small. Other keys confirm one by one.
  const std::string& text = key.str();
  const auto slash = text.rfind('/');
  if (key.kind() != "record" || slash == std::string::npos) return resolve(key, false);
  if (text.size() - slash - 1 < 2) {
    bool small = false;
    {
      const std::lock_guard lock(cache_mutex_);
      const auto folder = listed_folders_.find(text.substr(0, slash));
      small = folder != listed_folders_.end() && std::chrono::steady_clock::now() - folder->second.at < absence_memory &&
              folder->second.names.size() <= max_small_folder;
    }
    if (!small) return resolve(key, false);
  }
  const std::string prefix = text.substr(0, text.size() - 1);

  const auto listed = confirm_listings_.after_now(prefix, [&](const std::string& p) { return first_versions(p, false); });
  if (!listed) return std::unexpected(listed.error());
  std::optional<version> out;
  if (const auto it = listed->find(text); it != listed->end()) out = it->second;
  if (out) remember_first_version(text, *out);
  return out;
}

core::expected<std::unique_ptr<object_reader>> s3_backend::open(const store_key& key) const {
  const std::string what = name_of(key);
  auto v = resolve(key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return core::fail(core::errc::not_found, "open " + what + " in " + describe() + ": not stored");
  return std::make_unique<ranged_reader>(client_, key.str(), (*v)->id, (*v)->size, what + " in " + describe());
}

core::expected<core::byte_buffer> s3_backend::read_range(const store_key& key, std::uint64_t offset,
                                                         std::size_t length) const {
  const std::string what = name_of(key);
  auto v = resolve(key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return core::fail(core::errc::not_found, "read " + what + " in " + describe() + ": not stored");
  const std::uint64_t size = (*v)->size;
  if (offset > size)
    return core::fail(core::errc::invalid_argument, "read " + what + " in " + describe() + ": offset " +
                                                        std::to_string(offset) + " is past its end (" +
                                                        std::to_string(size) + " bytes)");
  if (length == 0 || offset == size) return core::byte_buffer{};
  const std::uint64_t last = std::min<std::uint64_t>(offset + length, size) - 1;
  auto r = client_->call("GET", key.str(), version_query((*v)->id),
                         {{"range", "bytes=" + std::to_string(offset) + "-" + std::to_string(last)}});
  if (!r) return core::wrap("read " + what, r.error());
  if (r->status == 200 && offset == 0 && r->body.size() == size) r->body.resize(static_cast<std::size_t>(last + 1));
  else if (r->status != 206) return std::unexpected(client_->error_of(*r, "read", what));
  if (r->body.size() != last - offset + 1)
    return core::fail(core::errc::corrupt, "read " + what + " in " + describe() + ": asked for bytes " +
                                               std::to_string(offset) + "-" + std::to_string(last) + ", got " +
                                               std::to_string(r->body.size()) + " bytes");
  return core::byte_buffer(r->body.begin(), r->body.end());
}

core::expected<std::optional<std::uint64_t>> s3_backend::stat(const store_key& key) const {
  auto v = resolve(key, true, true);  // an absent key is remembered for the create that may follow (S1)
  if (!v) return std::unexpected(v.error());
  if (!*v) return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>{(*v)->size};
}

core::status s3_backend::list(const store_key& folder, const list_visitor& visit) const {
  return list_starting(folder, "", visit);
}

core::status s3_backend::list_starting(const store_key& folder, std::string_view name_prefix,
                                       const list_visitor& visit) const {
  const std::string prefix = folder.str() + "/";
  const std::string what =
      "folder " + folder.str() + (name_prefix.empty() ? "" : " (names beginning " + std::string(name_prefix) + ")");
  std::string token;
  // What a whole listing saw, remembered for the creates that follow (S1); not for very large folders, nor for
  // a listing of some names only. With worm off If-None-Match decides: nothing to remember.
  std::optional<std::set<std::string>> seen;
  if (client_->options().worm && name_prefix.empty()) seen.emplace();
  const auto started = std::chrono::steady_clock::now();
  for (;;) {
    query_params query{
        {"list-type", "2"}, {"prefix", prefix + std::string(name_prefix)}, {"delimiter", "/"}, {"max-keys", "1000"}};
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
      if (seen) {
        if (seen->size() < max_remembered_listing) seen->emplace(name);
        else seen.reset();
      }
      if (!visit(list_entry{std::string(name), is_folder})) return {};
    }
    if (xml->child_text("IsTruncated") != "true") {
      if (seen) {
        const std::lock_guard lock(cache_mutex_);
        // Only listings young enough to count are kept, and at most max_remembered_listing names in all.
        std::size_t names = seen->size();
        for (auto it = listed_folders_.begin(); it != listed_folders_.end();) {
          if (started - it->second.at >= absence_memory || it->first == folder.str()) {
            it = listed_folders_.erase(it);
          } else {
            names += it->second.names.size();
            ++it;
          }
        }
        if (names > max_remembered_listing) listed_folders_.clear();
        listed_folders_.insert_or_assign(folder.str(), folder_listing{started, std::move(*seen)});
      }
      return {};
    }
    token = std::string(xml->child_text("NextContinuationToken"));
    if (token.empty())
      return core::fail(core::errc::malformed,
                        "list " + what + " in " + describe() + ": a truncated answer without a continuation token");
  }
}

core::status s3_backend::remove(const store_key& key) {
  const std::string what = name_of(key);
  auto present = resolve(key, false);
  if (!present) return std::unexpected(present.error());
  if (!*present) return core::fail(core::errc::not_found, "remove " + what + " in " + describe() + ": not stored");
  {
    const std::lock_guard lock(cache_mutex_);
    first_versions_.erase(key.str());
  }
  auto r = client_->call("DELETE", key.str());
  if (!r) return core::wrap("remove " + what, r.error());
  if (r->status != 204 && r->status != 200) return std::unexpected(client_->error_of(*r, "remove", what));
  return {};
}

}  // namespace bodycam::common::store

namespace bodycam::common::store {

namespace {

std::string legal_hold_body(bool on) {
  return std::string("<LegalHold xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>") + (on ? "ON" : "OFF") +
         "</Status></LegalHold>";
}

}  // namespace

// S8: the hold is on the version that holds the key's content.
core::expected<bool> s3_backend::set_legal_hold(const store_key& key, bool on) {
  if (!client_->options().worm) return false;
  const std::string what = std::string(on ? "place the legal hold on " : "release the legal hold on ") + name_of(key);
  auto v = resolve(key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return core::fail(core::errc::not_found, what + " in " + describe() + ": not stored");
  const std::string body = legal_hold_body(on);
  auto r = client_->call("PUT", key.str(), {{"legal-hold", ""}, {"versionId", (*v)->id}},
                         {{"content-md5", s3_content_md5(body)}}, body);
  if (!r) return core::wrap(what, r.error());
  if (r->status != 200) return std::unexpected(client_->error_of(*r, what, "version " + (*v)->id));
  return true;
}

core::expected<std::optional<bool>> s3_backend::legal_hold(const store_key& key) const {
  if (!client_->options().worm) return std::optional<bool>{};
  const std::string what = "read the legal hold of " + name_of(key);
  auto v = resolve(key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return core::fail(core::errc::not_found, what + " in " + describe() + ": not stored");
  auto r = client_->call("GET", key.str(), {{"legal-hold", ""}, {"versionId", (*v)->id}});
  if (!r) return core::wrap(what, r.error());
  // An object that never had a legal hold has no configuration to read.
  if (r->status == 404) return std::optional<bool>{false};
  if (r->status != 200) return std::unexpected(client_->error_of(*r, what, "version " + (*v)->id));
  auto xml = parse_xml(r->body, "legal hold of " + name_of(key) + " in " + describe());
  if (!xml) return std::unexpected(xml.error());
  const auto status = xml->child_text("Status");
  if (xml->name != "LegalHold" || (status != "ON" && status != "OFF"))
    return core::fail(core::errc::malformed, what + " in " + describe() + ": the answer is not a LegalHold status");
  return std::optional<bool>{status == "ON"};
}

core::expected<recovery_report> s3_backend::recover() {
  auto aborted = s3_abort_stale_uploads(*client_, client_->options().stale_upload_age);
  if (!aborted) return core::wrap("recover " + describe(), aborted.error());
  recovery_report report;
  report.removed = std::move(*aborted);
  return report;
}

}  // namespace bodycam::common::store
