// Opening an S3 store: the bucket must answer with our credentials and, unless worm is off, prove that it is
// write-once before the store is used (S4 in s3_backend.hpp). The probe leaves one small locked object per
// open under ".bodycam-probe/", which the store never lists; its retention is one day. A second probe there
// tells whether the server checks payload hashes (S1); a server that does keeps nothing of it.
#include "common/store/s3_backend.hpp"

#include "common/core/hex.hpp"
#include "common/store/s3_xml.hpp"

#include <sodium.h>

namespace bodycam::common::store {

namespace {

constexpr auto probe_retention = std::chrono::hours(24);

std::string probe_key() {
  std::array<std::uint8_t, 8> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  return ".bodycam-probe/" + core::to_hex(nonce);
}

core::status refuse(const s3_client& client, std::string_view why) {
  return core::fail(core::errc::unsupported,
                    "open " + client.describe() + ": the bucket is not write-once (" + std::string(why) +
                        "); refused. Use a bucket made with Object Lock enabled, or set worm = \"off\" to run on "
                        "a bucket that can lose footage");
}

}  // namespace

core::status probe_write_once(const s3_client& client) {
  const std::string bucket = client.describe();
  auto versioning = client.call("GET", "", {{"versioning", ""}});
  if (!versioning) return core::wrap("open " + bucket, versioning.error());
  if (versioning->status != 200)
    return std::unexpected(client.error_of(*versioning, "read the versioning state of", "the bucket"));
  auto v = parse_xml(versioning->body, "versioning state of " + bucket);
  if (!v) return std::unexpected(v.error());
  if (v->child_text("Status") != "Enabled") return refuse(client, "versioning is not enabled");

  auto lock = client.call("GET", "", {{"object-lock", ""}});
  if (!lock) return core::wrap("open " + bucket, lock.error());
  if (lock->status == 404) return refuse(client, "it has no Object Lock configuration");
  if (lock->status != 200)
    return std::unexpected(client.error_of(*lock, "read the Object Lock configuration of", "the bucket"));
  auto xml = parse_xml(lock->body, "Object Lock configuration of " + bucket);
  if (!xml) return std::unexpected(xml.error());
  if (xml->child_text("ObjectLockEnabled") != "Enabled") return refuse(client, "Object Lock is not enabled");

  const std::string key = probe_key();
  const std::string body = "bodycam write-once probe\n";
  const auto until = std::chrono::system_clock::now() + probe_retention;
  const http_headers locked{{"x-amz-object-lock-mode", "COMPLIANCE"},
                            {"x-amz-object-lock-retain-until-date", s3_iso8601(until)}};
  auto put = client.call("PUT", key, {}, locked, body);
  if (!put) return core::wrap("open " + bucket + ": put the probe " + key, put.error());
  if (put->status != 200) return std::unexpected(client.error_of(*put, "put the probe", key));
  const auto version = put->header("x-amz-version-id");
  if (!version || version->empty()) return refuse(client, "a locked object got no version id");

  // Each attempt may be answered as the engine likes; what counts is that the first version is unchanged.
  auto over = client.call("PUT", key, {}, locked, "overwritten\n");
  if (!over) return core::wrap("open " + bucket + ": put over the probe " + key, over.error());
  if (over->status == 200 && over->header("x-amz-version-id") == version)
    return refuse(client, "a PUT over the probe " + key + " replaced its version");
  auto del = client.call("DELETE", key, {{"versionId", *version}});
  if (!del) return core::wrap("open " + bucket + ": delete the probe " + key, del.error());
  if (del->status < 400) return refuse(client, "deleting the locked probe " + key + " was accepted");
  const std::string shorter = "<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>" +
                              s3_iso8601(std::chrono::system_clock::now() + std::chrono::minutes(1)) +
                              "</RetainUntilDate></Retention>";
  auto shorten = client.call("PUT", key, {{"retention", ""}, {"versionId", *version}},
                             {{"content-md5", s3_content_md5(shorter)}}, shorter);
  if (!shorten) return core::wrap("open " + bucket + ": shorten the probe's retention", shorten.error());
  if (shorten->status < 400) return refuse(client, "shortening the locked probe's retention was accepted");

  auto get = client.call("GET", key, {{"versionId", *version}});
  if (!get) return core::wrap("open " + bucket + ": read the probe " + key, get.error());
  if (get->status != 200 || get->body != body)
    return refuse(client, "the probe " + key + " did not keep its bytes (HTTP " + std::to_string(get->status) + ")");
  return {};
}

core::expected<bool> s3_payload_checked(const s3_client& client) {
  const std::string key = probe_key() + "-payload";
  const std::string body = "bodycam payload probe\n";
  const auto declared = crypto::sha256(std::string_view("not the probe's bytes\n"));
  auto put = client.call("PUT", key, {}, {{"content-md5", s3_content_md5(body)}}, body, declared);
  if (!put) return core::wrap("open " + client.describe() + ": put the payload probe " + key, put.error());
  if (put->status == 200) {  // stored unchecked: hash here from now on, and remove what it kept if it may be
    if (const auto version = put->header("x-amz-version-id"); version && !version->empty())
      (void)client.call("DELETE", key, {{"versionId", *version}});
    else
      (void)client.call("DELETE", key);
    return false;
  }
  const auto refused = client.error_of(*put, "put the payload probe", key);
  if (put->status != 400 || refused.context.find(" XAmzContentSHA256Mismatch") == std::string::npos) return false;
  auto head = client.call("HEAD", key);
  if (!head) return core::wrap("open " + client.describe() + ": look for the payload probe " + key, head.error());
  return head->status == 404;
}

core::expected<std::unique_ptr<s3_backend>> s3_backend::open(s3_store_options options) {
  auto client = s3_client::make(std::move(options));
  if (!client) return std::unexpected(client.error());
  const s3_client& c = **client;
  // The bucket answers with our credentials: a wrong key or secret fails here, naming the endpoint.
  auto head = c.call("HEAD", "");
  if (!head) return core::wrap("open " + c.describe(), head.error());
  if (head->status == 403)
    return core::fail(core::errc::permission, "open " + c.describe() + ": HTTP 403, the endpoint " +
                                                  c.options().endpoint +
                                                  " refused the credentials (check the access key and secret key)");
  if (head->status == 404)
    return core::fail(core::errc::not_found, "open " + c.describe() + ": no such bucket");
  if (head->status != 200) return std::unexpected(c.error_of(*head, "open", "the bucket"));
  if (c.options().worm)
    if (auto proved = probe_write_once(c); !proved) return std::unexpected(proved.error());
  auto payload_checked = s3_payload_checked(c);
  if (!payload_checked) return std::unexpected(payload_checked.error());
  return std::make_unique<s3_backend>(std::move(*client), *payload_checked);
}

core::expected<store> open_s3_store(s3_store_options options) {
  auto backend = s3_backend::open(std::move(options));
  if (!backend) return std::unexpected(backend.error());
  return store(std::move(*backend));
}

core::status create_s3_bucket(const s3_store_options& options, bool object_lock) {
  auto client = s3_client::make(options);
  if (!client) return std::unexpected(client.error());
  http_headers headers;
  if (object_lock) headers.emplace_back("x-amz-bucket-object-lock-enabled", "true");
  auto r = (*client)->call("PUT", "", {}, headers);
  if (!r) return core::wrap("create bucket " + (*client)->describe(), r.error());
  if (r->status == 200) return {};
  const auto error = (*client)->error_of(*r, "create", "the bucket");
  if (error.context.find("BucketAlreadyOwnedByYou") != std::string::npos) return {};
  return std::unexpected(error);
}

}  // namespace bodycam::common::store
