// Multipart uploads and their clean-up (s3_multipart.hpp, M1-M3).
#include "common/store/s3_multipart.hpp"

#include "common/store/s3_xml.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace bodycam::common::store {

namespace {

core::status abort_upload(const s3_client& client, const std::string& key, const std::string& upload_id) {
  auto r = client.call("DELETE", key, {{"uploadId", upload_id}});
  if (!r) return core::wrap("abort the multipart upload " + upload_id + " of " + key, r.error());
  if (r->status != 204 && r->status != 200 && r->status != 404)
    return std::unexpected(client.error_of(*r, "abort the multipart upload " + upload_id + " of", key));
  return {};
}

std::string complete_body(const std::vector<std::string>& etags) {
  std::string xml = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < etags.size(); ++i)
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags[i] + "</ETag></Part>";
  return xml + "</CompleteMultipartUpload>";
}

// "2026-12-05T13:50:00.000Z" as a time point; nullopt if it is not one.
std::optional<std::chrono::system_clock::time_point> parse_initiated(std::string_view text) {
  std::tm t{};
  int consumed = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &t.tm_year, &t.tm_mon, &t.tm_mday, &t.tm_hour, &t.tm_min,
                  &t.tm_sec, &consumed) != 6 || consumed != 19)
    return std::nullopt;
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  const std::time_t seconds = ::timegm(&t);
  if (seconds == -1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(seconds);
}

}  // namespace

core::expected<std::string> s3_multipart_put(const s3_client& client, const std::string& key, const std::string& what,
                                             std::string buffered, byte_source& source, crypto::sha256_hasher& hasher,
                                             const crypto::sha256_digest& expected_sha256,
                                             const http_headers& lock_headers) {
  const std::string where = "put " + what + " in " + client.describe();
  const std::uint64_t part_bytes = client.options().multipart_part_bytes;
  auto init = client.call("POST", key, {{"uploads", ""}}, lock_headers);
  if (!init) return core::wrap(where + ": start a multipart upload", init.error());
  if (init->status != 200) return std::unexpected(client.error_of(*init, "start a multipart upload of", what));
  auto started = parse_xml(init->body, "InitiateMultipartUpload answer for " + what);
  if (!started) return std::unexpected(started.error());
  const std::string upload_id(started->child_text("UploadId"));
  if (started->name != "InitiateMultipartUploadResult" || upload_id.empty())
    return core::fail(core::errc::malformed, where + ": the answer to starting a multipart upload has no UploadId");

  // M1: every failure from here on aborts the upload; the first error is the one reported.
  const auto fail = [&](core::error e) -> core::expected<std::string> {
    (void)abort_upload(client, key, upload_id);
    return std::unexpected(std::move(e));
  };
  std::vector<std::string> etags;
  std::uint64_t total = 0;
  bool ended = false;
  std::array<std::uint8_t, s3_read_chunk_bytes> chunk{};
  for (;;) {
    while (!ended && buffered.size() < part_bytes) {
      auto n = source.read(chunk);
      if (!n) return fail(core::wrap(where, n.error()).error());
      if (*n == 0) ended = true;
      hasher.update(core::byte_view(chunk).first(*n));
      buffered.append(reinterpret_cast<const char*>(chunk.data()), *n);
    }
    if (buffered.empty()) break;
    if (etags.size() == s3_max_parts)
      return fail(core::error{core::errc::invalid_argument,
                              where + ": more than " + std::to_string(s3_max_parts) + " parts of " +
                                  std::to_string(part_bytes) + " bytes"});
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buffered.size(), part_bytes));
    std::string part = buffered.substr(0, n);
    buffered.erase(0, n);
    const std::string number = std::to_string(etags.size() + 1);
    const std::string md5 = s3_content_md5(part);
    auto r = client.call("PUT", key, {{"partNumber", number}, {"uploadId", upload_id}}, {{"content-md5", md5}},
                         std::move(part));
    if (!r) return fail(core::wrap(where + ": part " + number, r.error()).error());
    if (r->status != 200) return fail(client.error_of(*r, "put part " + number + " of", what));
    const auto etag = r->header("etag");
    if (!etag || etag->empty())
      return fail(core::error{core::errc::malformed, where + ": part " + number + " was answered without an ETag"});
    etags.push_back(*etag);
    total += n;
    if (ended && buffered.empty()) break;
  }
  if (const auto actual = hasher.finish(); actual != expected_sha256)
    return fail(core::error{core::errc::corrupt, where + ": the content hashes to " + actual.to_hex() + ", not " +
                                                     expected_sha256.to_hex() + "; nothing stored"});

  auto done = client.call("POST", key, {{"uploadId", upload_id}}, {}, complete_body(etags));
  if (!done) return fail(core::wrap(where + ": complete the multipart upload", done.error()).error());
  if (done->status != 200) return fail(client.error_of(*done, "complete the multipart upload of", what));
  // S3 may answer 200 and still put an <Error> in the body.
  auto result = parse_xml(done->body, "CompleteMultipartUpload answer for " + what);
  if (!result || result->name != "CompleteMultipartUploadResult")
    return fail(result ? client.error_of(http_response{500, {}, done->body}, "complete the multipart upload of", what)
                       : result.error());
  std::string version = done->header("x-amz-version-id").value_or("");

  // M2: the completed version has every byte sent, and is locked.
  const query_params at_version = version.empty() ? query_params{} : query_params{{"versionId", version}};
  auto head = client.call("HEAD", key, at_version);
  if (!head) return core::wrap(where + ": check the completed upload", head.error());
  if (head->status != 200) return std::unexpected(client.error_of(*head, "check the completed upload of", what));
  const auto size = head->header("content-length");
  if (!size || *size != std::to_string(total))
    return core::fail(core::errc::corrupt, where + ": the completed upload holds " + size.value_or("no") +
                                               " bytes, not the " + std::to_string(total) + " sent");
  if (version.empty()) version = head->header("x-amz-version-id").value_or("");
  if (!lock_headers.empty() && head->header("x-amz-object-lock-mode") != std::optional<std::string>("COMPLIANCE")) {
    std::string until;
    for (const auto& [name, value] : lock_headers)
      if (name == "x-amz-object-lock-retain-until-date") until = value;
    const std::string retention =
        "<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>" + until + "</RetainUntilDate></Retention>";
    auto locked = client.call("PUT", key, {{"retention", ""}, {"versionId", version}},
                              {{"content-md5", s3_content_md5(retention)}}, retention);
    if (!locked) return core::wrap(where + ": lock the completed upload", locked.error());
    if (locked->status != 200) return std::unexpected(client.error_of(*locked, "lock the completed upload of", what));
  }
  return version;
}

core::expected<std::vector<std::string>> s3_abort_stale_uploads(const s3_client& client,
                                                                std::chrono::system_clock::duration older_than) {
  const auto cutoff = std::chrono::system_clock::now() - older_than;
  std::vector<std::string> aborted;
  query_params query{{"uploads", ""}};
  for (;;) {
    auto r = client.call("GET", "", query);
    if (!r) return core::wrap("list the multipart uploads in " + client.describe(), r.error());
    if (r->status != 200) return std::unexpected(client.error_of(*r, "list the multipart uploads in", "the bucket"));
    auto xml = parse_xml(r->body, "ListMultipartUploads answer of " + client.describe());
    if (!xml) return std::unexpected(xml.error());
    if (xml->name != "ListMultipartUploadsResult")
      return core::fail(core::errc::malformed, "list the multipart uploads in " + client.describe() +
                                                   ": the answer is <" + xml->name + ">");
    for (const auto& upload : xml->children) {
      if (upload.name != "Upload") continue;
      const std::string key(upload.child_text("Key"));
      const std::string id(upload.child_text("UploadId"));
      const auto initiated = parse_initiated(upload.child_text("Initiated"));
      if (key.empty() || id.empty() || !initiated || *initiated > cutoff) continue;
      if (auto ok = abort_upload(client, key, id); !ok) return std::unexpected(ok.error());
      aborted.push_back("multipart upload " + id + " of " + key + " started " +
                        std::string(upload.child_text("Initiated")));
    }
    if (xml->child_text("IsTruncated") != "true") return aborted;
    query = {{"uploads", ""},
             {"key-marker", std::string(xml->child_text("NextKeyMarker"))},
             {"upload-id-marker", std::string(xml->child_text("NextUploadIdMarker"))}};
  }
}

}  // namespace bodycam::common::store
