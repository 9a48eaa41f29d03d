// SigV4 against the vectors AWS publishes: the SigV4 test suite (get-vanilla, post-vanilla,
// get-vanilla-query-order-key-case; credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service
// "service") and the S3 API reference's examples (GET Object with a range, PUT Object, GET Bucket lifecycle,
// GET Bucket with a query; credentials AKIAIOSFODNN7EXAMPLE, 2013-05-24). Each checks the canonical request
// or its hash where AWS prints one, so a failure says which step drifted; and a forged input changes the
// signature.
#include "common/crypto/sha256.hpp"
#include "common/store/s3_sigv4.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common;
using store::sigv4_request;
using params = std::vector<std::pair<std::string, std::string>>;

namespace {

const store::sigv4_credentials suite_credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
const store::sigv4_credentials s3_credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
const std::string empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr std::string_view s3_host = "examplebucket.s3.amazonaws.com";
constexpr std::string_view s3_date = "20130524T000000Z";

sigv4_request suite_request(std::string method, params query = {}) {
  return sigv4_request{std::move(method), "/", std::move(query),
                       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}, empty_sha256};
}

std::string suite_signature_of(const sigv4_request& request) {
  return store::sigv4_authorization(request, suite_credentials, "20150830T123600Z", "us-east-1", "service");
}

sigv4_request s3_get(std::string uri, params query, std::vector<std::pair<std::string, std::string>> extra) {
  sigv4_request r{"GET", std::move(uri), std::move(query),
                  {{"host", std::string(s3_host)}, {"x-amz-content-sha256", empty_sha256},
                   {"x-amz-date", std::string(s3_date)}},
                  empty_sha256};
  for (auto& h : extra) r.headers.push_back(std::move(h));
  return r;
}

std::string s3_signature_of(const sigv4_request& request) {
  const auto auth = store::sigv4_authorization(request, s3_credentials, s3_date, "us-east-1", "s3");
  return auth.substr(auth.rfind('=') + 1);
}

}  // namespace

TEST_CASE("sigv4: the test suite's get-vanilla, step by step") {
  const auto request = suite_request("GET");
  const std::string canonical = store::sigv4_canonical_request(request);
  CHECK(canonical ==
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + empty_sha256);
  const auto scope = store::sigv4_scope("20150830T123600Z", "us-east-1", "service");
  CHECK(scope == "20150830/us-east-1/service/aws4_request");
  CHECK(store::sigv4_string_to_sign("20150830T123600Z", scope, canonical) ==
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  CHECK(suite_signature_of(request) ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST_CASE("sigv4: the test suite's post-vanilla and get-vanilla-query-order-key-case") {
  CHECK_THAT(suite_signature_of(suite_request("POST")),
             Catch::EndsWith("Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"));
  CHECK_THAT(suite_signature_of(suite_request("GET", {{"Param2", "value2"}, {"Param1", "value1"}})),
             Catch::EndsWith("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
}

TEST_CASE("sigv4: the S3 reference's GET Object with a range") {
  const auto request = s3_get("/test.txt", {}, {{"Range", "bytes=0-9"}});
  CHECK(crypto::sha256(store::sigv4_canonical_request(request)).to_hex() ==
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  CHECK(store::sigv4_signed_headers(request) == "host;range;x-amz-content-sha256;x-amz-date");
  CHECK(s3_signature_of(request) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("sigv4: the S3 reference's PUT Object, its path percent-encoded") {
  const std::string payload = crypto::sha256(std::string_view("Welcome to Amazon S3.")).to_hex();
  CHECK(payload == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  const std::string uri = "/" + store::sigv4_uri_encode("test$file.text", false);
  CHECK(uri == "/test%24file.text");
  const sigv4_request request{"PUT", uri, {},
                              {{"Host", std::string(s3_host)},
                               {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                               {"x-amz-date", std::string(s3_date)},
                               {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                               {"x-amz-content-sha256", payload}},
                              payload};
  CHECK(crypto::sha256(store::sigv4_canonical_request(request)).to_hex() ==
        "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  CHECK(s3_signature_of(request) == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("sigv4: the S3 reference's GET Bucket lifecycle and GET Bucket with a query in another order") {
  CHECK(s3_signature_of(s3_get("/", {{"lifecycle", ""}}, {})) ==
        "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  CHECK(s3_signature_of(s3_get("/", {{"prefix", "J"}, {"max-keys", "2"}}, {})) ==
        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST_CASE("sigv4: a forged method, path, header, payload, date or secret changes the signature") {
  const auto base = s3_get("/test.txt", {}, {{"Range", "bytes=0-9"}});
  const auto good = s3_signature_of(base);
  auto forged = base;
  forged.method = "DELETE";
  CHECK(s3_signature_of(forged) != good);
  forged = base;
  forged.canonical_uri = "/test.txu";
  CHECK(s3_signature_of(forged) != good);
  forged = base;
  forged.headers.back().second = "bytes=0-10";
  CHECK(s3_signature_of(forged) != good);
  forged = base;
  forged.payload_sha256_hex = crypto::sha256(std::string_view("x")).to_hex();
  CHECK(s3_signature_of(forged) != good);
  CHECK(store::sigv4_authorization(base, s3_credentials, "20130525T000000Z", "us-east-1", "s3") !=
        store::sigv4_authorization(base, s3_credentials, s3_date, "us-east-1", "s3"));
  CHECK(store::sigv4_authorization(base, {"AKIAIOSFODNN7EXAMPLE", "another"}, s3_date, "us-east-1", "s3") !=
        store::sigv4_authorization(base, s3_credentials, s3_date, "us-east-1", "s3"));
}

TEST_CASE("sigv4: encoding and header canonicalisation") {
  CHECK(store::sigv4_uri_encode("a b/c~d+e", false) == "a%20b/c~d%2Be");
  CHECK(store::sigv4_uri_encode("a b/c", true) == "a%20b%2Fc");
  CHECK(store::sigv4_canonical_query({{"b", "2 3"}, {"a", ""}, {"continuation-token", "x/y="}}) ==
        "a=&b=2%203&continuation-token=x%2Fy%3D");
  const sigv4_request r{"GET", "/", {}, {{"X-Odd", "  a   b  "}, {"host", "h"}}, empty_sha256};
  CHECK_THAT(store::sigv4_canonical_request(r), Catch::Contains("host:h\nx-odd:a b\n"));
  CHECK(store::sigv4_amz_date(std::chrono::system_clock::time_point(std::chrono::seconds(1440938160))) ==
        "20150830T123600Z");
}
