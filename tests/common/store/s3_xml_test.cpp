// The XML reader on what RGW sends (a ListObjectsV2 page, an error) and on what it must refuse: truncated and
// mismatched documents, DOCTYPE (entity expansion), CDATA, unknown entities, text after the root.
#include "common/store/s3_xml.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common;

TEST_CASE("xml: a ListObjectsV2 page as RGW writes it") {
  const auto xml = store::parse_xml(
      R"(<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
      R"(<Name>b</Name><Prefix>records/</Prefix><KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>)"
      R"(<NextContinuationToken>1ue&amp;x</NextContinuationToken>)"
      R"(<Contents><Key>records/a</Key><Size>3</Size></Contents>)"
      R"(<CommonPrefixes><Prefix>records/cam-1/</Prefix></CommonPrefixes></ListBucketResult>)",
      "page");
  REQUIRE(xml);
  CHECK(xml->name == "ListBucketResult");
  CHECK(xml->child_text("IsTruncated") == "true");
  CHECK(xml->child_text("NextContinuationToken") == "1ue&x");
  REQUIRE(xml->children.size() == 7);
  CHECK(xml->children[5].child_text("Key") == "records/a");
  CHECK(xml->children[6].child_text("Prefix") == "records/cam-1/");
  CHECK(xml->child_text("Missing").empty());
  CHECK(xml->child("Missing") == nullptr);
}

TEST_CASE("xml: an error body, with character references and an empty element") {
  const auto xml = store::parse_xml("<Error>\n <Code>SignatureDoesNotMatch</Code>\n <Message>a &#60;b&#x3e; "
                                    "&quot;c&apos;</Message><RequestId/></Error>\n",
                                    "error");
  REQUIRE(xml);
  CHECK(xml->child_text("Code") == "SignatureDoesNotMatch");
  CHECK(xml->child_text("Message") == "a <b> \"c'");
  REQUIRE(xml->child("RequestId") != nullptr);
}

TEST_CASE("xml: what S3 never sends is refused as malformed, naming the document") {
  for (const std::string_view bad :
       {"", "<a>", "<a></b>", "<a><b></a></b>", "<a>x</a>tail", "<a/><b/>", "<!DOCTYPE a [<!ENTITY x \"y\">]><a/>",
        "<a><![CDATA[x]]></a>", "<a>&x;</a>", "<a>&#0;</a>", "<a>&#200;</a>", "<a><!-- c --></a>", "<a b=c/>",
        "<a"}) {
    INFO(bad);
    const auto xml = store::parse_xml(bad, "answer of test");
    REQUIRE_FALSE(xml);
    CHECK(xml.error().code == core::errc::malformed);
    CHECK_THAT(xml.error().context, Catch::StartsWith("parse answer of test: "));
  }
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  for (int i = 0; i < 40; ++i) deep += "</a>";
  CHECK_FALSE(store::parse_xml(deep, "deep"));
}
