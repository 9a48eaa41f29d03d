// Unit tests of the store's names: the keys the typed builders make are the byte-exact layout of
// docs/formats/store.md, and no text that could reach outside a store parses as a key.
#include "common/store/store_key.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common;
using store::store_key;

TEST_CASE("the typed builders spell the layout of docs/formats/store.md") {
  const auto digest = crypto::sha256(std::string_view("abc"));
  const auto cam = record::device_id::parse("cam-0001").value();
  CHECK(store_key::object(digest).str() ==
        "objects/sha256/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(store_key::objects_folder().str() == "objects/sha256");
  CHECK(store_key::record(cam, 0).str() == "records/cam-0001/0");
  CHECK(store_key::record(cam, 18446744073709551615u).str() == "records/cam-0001/18446744073709551615");
  CHECK(store_key::device_records_folder(cam).str() == "records/cam-0001");
  CHECK(store_key::public_key(cam).str() == "keys/cam-0001.pub");
  CHECK(store_key::entry(store::entry_namespace::receipts, "r-1").value().str() == "receipts/r-1");
  CHECK(store_key::entry(store::entry_namespace::access, "a.json").value().str() == "access/a.json");
  CHECK(store_key::record(cam, 42).leaf() == "42");
  CHECK(store_key::record(cam, 42).parent() == "records/cam-0001");
  CHECK(store_key::keys_folder().parent().empty());
  CHECK(store_key::object(digest).kind() == "object");
  CHECK(store_key::record(cam, 1).kind() == "record");
  CHECK(store_key::public_key(cam).kind() == "public key");
  CHECK(store_key::entry(store::entry_namespace::access, "x").value().kind() == "access entry");
  CHECK(store_key::entry(store::entry_namespace::notes, "officer-7.0").value().str() == "notes/officer-7.0");
  CHECK(store_key::entry(store::entry_namespace::notes, "officer-7.0").value().kind() == "metadata entry");
  CHECK(store::is_layout_top_folder("notes"));
}

TEST_CASE("store_key::parse refuses every name that could escape the root or hide as a temp file") {
  using namespace std::string_literals;
  for (const std::string& bad : {""s,
                                 "/"s,
                                 "/etc/passwd"s,
                                 "a/"s,
                                 "/a"s,
                                 "a//b"s,
                                 "."s,
                                 ".."s,
                                 "a/../b"s,
                                 "a/./b"s,
                                 "../a"s,
                                 ".tmp-0123456789abcdef"s,
                                 "objects/.tmp-1"s,
                                 "a\0b"s,
                                 "a\\b"s,
                                 "a b"s,
                                 "a\nb"s,
                                 "\xc3\xa4"s,
                                 std::string(256, 'x'),
                                 std::string(1025, 'x')}) {
    INFO("key '" << bad << "'");
    const auto parsed = store_key::parse(bad);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().code == core::errc::invalid_argument);
  }
  CHECK(store_key::parse("records/cam-1/5").has_value());
  CHECK(store_key::parse(std::string(255, 'x')).has_value());
  CHECK(store_key::parse("a..b/c.d_e-F9").has_value());
}

TEST_CASE("leaf names parse strictly, so one stored item has exactly one name") {
  const std::string hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  CHECK(store::parse_object_name(hex).has_value());
  std::string upper = hex;
  upper[0] = 'B';
  CHECK_FALSE(store::parse_object_name(upper).has_value());
  CHECK_FALSE(store::parse_object_name(hex.substr(1)).has_value());
  CHECK_FALSE(store::parse_object_name(hex + "0").has_value());
  CHECK_FALSE(store::parse_object_name(std::string(63, 'a') + "g").has_value());

  CHECK(store::parse_seq_name("0") == 0u);
  CHECK(store::parse_seq_name("10") == 10u);
  CHECK(store::parse_seq_name("18446744073709551615") == 18446744073709551615u);
  for (const char* bad : {"", "00", "01", "-1", "+1", "1a", " 1", "18446744073709551616", "99999999999999999999"})
    CHECK_FALSE(store::parse_seq_name(bad).has_value());

  CHECK(store::parse_public_key_name("cam-1.pub").value().str() == "cam-1");
  for (const char* bad : {".pub", "cam-1", "cam-1.PUB", "cam 1.pub", "cam-1.pub.tmp"})
    CHECK_FALSE(store::parse_public_key_name(bad).has_value());
}
