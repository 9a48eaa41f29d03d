// Multipart uploads of the S3 backend against a real Ceph RGW (tier [s3], cluster of s3_test_cluster.hpp): an
// item above the threshold is stored in parts, locked, and read back byte-identical; a part whose bytes changed
// on the way is refused by the server (its payload hash and Content-MD5); a wrong declared SHA-256 leaves no
// upload open; recover() aborts an upload a killed writer left behind, and only a stale one.
#include "common/store/s3_backend.hpp"
#include "common/store/s3_xml.hpp"
#include "tests/common/store/s3_test_cluster.hpp"
#include "tests/common/store/store_conformance.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common;
using namespace bodycam::tests::store;

namespace {

constexpr std::size_t mib = std::size_t{1} << 20;

st::s3_store_options multipart_bucket() {
  auto o = fresh_bucket(true);
  o.multipart_threshold_bytes = 5 * mib;
  o.multipart_part_bytes = 5 * mib;
  return o;
}

// The multipart uploads open in the bucket, as "key uploadId" lines.
std::vector<std::string> open_uploads(const st::s3_store_options& options) {
  const auto r = raw_client(options).call("GET", "", {{"uploads", ""}}).value();
  REQUIRE(r.status == 200);
  std::vector<std::string> out;
  const auto xml = st::parse_xml(r.body, "uploads").value();
  for (const auto& u : xml.children)
    if (u.name == "Upload") out.push_back(std::string(u.child_text("Key")) + " " + std::string(u.child_text("UploadId")));
  return out;
}

std::string start_upload(const st::s3_store_options& options, const std::string& key) {
  const auto r = raw_client(options).call("POST", key, {{"uploads", ""}}).value();
  REQUIRE(r.status == 200);
  const std::string id(st::parse_xml(r.body, "initiate").value().child_text("UploadId"));
  REQUIRE_FALSE(id.empty());
  return id;
}

// A part PUT signed over `signed_bytes` (x-amz-content-sha256) but carrying `sent_bytes`, as if bytes changed
// between the signer and the server; Content-MD5 is of `md5_bytes`.
st::http_response put_tampered_part(const st::s3_store_options& options, const std::string& key,
                                    const std::string& upload_id, const std::string& signed_bytes,
                                    const std::string& sent_bytes, const std::string& md5_bytes) {
  const std::string host_port = options.endpoint.substr(std::string("http://").size());
  st::sigv4_request request;
  request.method = "PUT";
  request.canonical_uri = "/" + options.bucket + "/" + st::sigv4_uri_encode(key, false);
  request.query = {{"partNumber", "1"}, {"uploadId", upload_id}};
  request.payload_sha256_hex = crypto::sha256(std::string_view(signed_bytes)).to_hex();
  const std::string amz_date = st::sigv4_amz_date(std::chrono::system_clock::now());
  request.headers = {{"content-md5", st::s3_content_md5(md5_bytes)},
                     {"host", host_port},
                     {"x-amz-date", amz_date},
                     {"x-amz-content-sha256", request.payload_sha256_hex}};
  st::http_request out{"PUT", request.canonical_uri + "?" + st::sigv4_canonical_query(request.query), request.headers,
                       sent_bytes};
  out.headers.emplace_back("authorization",
                           st::sigv4_authorization(request, options.credentials, amz_date, options.region, "s3"));
  st::http_client http(host_port.substr(0, host_port.find(':')), host_port.substr(host_port.find(':') + 1),
                       options.endpoint, std::chrono::seconds(60));
  return http.send(out).value();
}

}  // namespace

TEST_CASE("s3: an object above the multipart threshold is stored in parts, locked, and read back byte-identical",
          "[s3]") {
  const auto options = multipart_bucket();
  auto s = st::open_s3_store(options).value();
  const auto bytes = pseudo_random_bytes(12 * mib + 123, 31);  // parts of 5, 5 and 2 MiB + 123 bytes
  const auto digest = crypto::sha256(bytes);
  const auto put = s.put_object(digest, bytes);
  INFO((put ? "" : put.error().context));
  REQUIRE(put.value() == st::put_outcome::created);

  const auto head = raw_client(options).call("HEAD", st::store_key::object(digest).str()).value();
  REQUIRE(head.status == 200);
  CHECK(head.header("content-length") == std::optional<std::string>(std::to_string(bytes.size())));
  INFO("ETag " << head.header("etag").value_or("none"));
  CHECK(head.header("etag").value_or("").ends_with("-3\""));  // S3's ETag of a three-part upload
  CHECK(head.header("x-amz-object-lock-mode") == std::optional<std::string>("COMPLIANCE"));
  CHECK(head.header("x-amz-object-lock-retain-until-date"));
  CHECK(open_uploads(options).empty());

  auto reader = st::open_s3_store(options).value().open_object(digest).value();
  std::vector<std::uint8_t> back(bytes.size() + 1);
  std::size_t got = 0;
  for (;;) {
    const auto n = reader->read(std::span(back).subspan(got)).value();
    if (n == 0) break;
    got += n;
  }
  REQUIRE(got == bytes.size());
  back.resize(got);
  CHECK(back == bytes);
  CHECK(s.rehash_object(digest).value() == digest);
  CHECK(s.put_object(digest, bytes).value() == st::put_outcome::already_stored);
  CHECK(s.read_object_range(digest, 5 * mib - 2, 4).value() ==
        std::vector<std::uint8_t>(bytes.begin() + 5 * mib - 2, bytes.begin() + 5 * mib + 2));
}

TEST_CASE("s3: above the threshold, bytes that do not hash to the declared SHA-256 store nothing and leave no "
          "upload open", "[s3]") {
  const auto options = multipart_bucket();
  auto s = st::open_s3_store(options).value();
  const auto bytes = pseudo_random_bytes(11 * mib, 32);
  const auto wrong = crypto::sha256(pseudo_random_bytes(10, 33));
  const auto put = s.put_object(wrong, bytes);
  REQUIRE_FALSE(put);
  CHECK(put.error().code == core::errc::corrupt);
  CHECK_THAT(put.error().context, Catch::Contains("nothing stored"));
  CHECK_FALSE(s.has_object(wrong).value());
  CHECK(open_uploads(options).empty());
}

TEST_CASE("s3: a part whose bytes changed on the way is refused by the server", "[s3]") {
  const auto options = multipart_bucket();
  const std::string key = "objects/sha256/" + std::string(64, 'a');
  const std::string id = start_upload(options, key);
  const auto original = pseudo_random_bytes(5 * mib, 34);
  const std::string sent_as(original.begin(), original.end());
  std::string changed = sent_as;
  changed[changed.size() / 2] = static_cast<char>(changed[changed.size() / 2] ^ 0x01);

  // Changed in transit: neither the payload hash nor the MD5 matches.
  const auto both = put_tampered_part(options, key, id, sent_as, changed, sent_as);
  INFO("HTTP " << both.status << " " << both.body);
  CHECK(both.status == 400);
  // Changed with a matching MD5: the signed payload hash still refuses it.
  const auto hash_only = put_tampered_part(options, key, id, sent_as, changed, changed);
  INFO("HTTP " << hash_only.status << " " << hash_only.body);
  CHECK(hash_only.status == 400);
  CHECK_THAT(hash_only.body, Catch::Contains("SHA256") || Catch::Contains("Sha256"));
  // The untampered part is accepted, so the refusals were the tampering's.
  const auto intact = put_tampered_part(options, key, id, sent_as, sent_as, sent_as);
  CHECK(intact.status == 200);

  const auto parts = raw_client(options).call("GET", key, {{"uploadId", id}}).value();
  REQUIRE(parts.status == 200);
  const auto listing = st::parse_xml(parts.body, "parts").value();
  REQUIRE(listing.child("Part") != nullptr);
  CHECK(listing.child("Part")->child_text("Size") == std::to_string(original.size()));
  CHECK(raw_client(options).call("DELETE", key, {{"uploadId", id}}).value().status == 204);
}

TEST_CASE("s3: recover() aborts a multipart upload a killed writer left, once it is stale", "[s3]") {
  auto options = multipart_bucket();
  const std::string key = "objects/sha256/" + std::string(64, 'b');
  const std::string id = start_upload(options, key);
  REQUIRE(open_uploads(options) == std::vector<std::string>{key + " " + id});

  // A young upload may belong to a live writer: left alone.
  auto young = st::open_s3_store(options).value().recover();
  REQUIRE(young);
  CHECK(young->removed.empty());
  CHECK(open_uploads(options).size() == 1);

  options.stale_upload_age = std::chrono::seconds(0);
  auto s = st::open_s3_store(options).value();
  const auto report = s.recover();
  INFO((report ? "" : report.error().context));
  REQUIRE(report);
  REQUIRE(report->removed.size() == 1);
  CHECK_THAT(report->removed.front(), Catch::Contains(id) && Catch::Contains(key));
  CHECK(open_uploads(options).empty());
  CHECK_FALSE(s.has_object(crypto::sha256_digest::parse(std::string(64, 'b')).value()).value());
}
