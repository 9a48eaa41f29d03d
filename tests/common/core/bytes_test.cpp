#include "common/core/bytes.hpp"
#include "common/core/hex.hpp"

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace bytes_test {

using namespace bodycam::common::core;

TEST_CASE("byte_writer writes big-endian fixed-width integers") {
  byte_writer w;
  w.put_u16(0x0102);
  w.put_u32(0x03040506);
  w.put_u64(0x0708090a0b0c0d0eULL);
  w.put_i64(-2);
  CHECK(to_hex(w.bytes()) == "0102030405060708090a0b0c0d0efffffffffffffffe");
}

TEST_CASE("byte_reader round-trips and never reads past the end") {
  byte_writer w;
  w.put_u8(7);
  w.put_string16("abc");
  w.put_bytes32(byte_buffer{1, 2});
  const auto bytes = w.take();
  byte_reader r(bytes);
  CHECK(r.get_u8("a").value() == 7);
  CHECK(r.get_string16("b", 10).value() == "abc");
  CHECK(r.get_bytes32("c", 10).value() == byte_buffer{1, 2});
  CHECK(r.at_end());
  auto past = r.get_u32("after_end");
  REQUIRE_FALSE(past.has_value());
  CHECK(past.error().code == errc::malformed);
  CHECK(past.error().context.find("after_end") != std::string::npos);
}

TEST_CASE("byte_reader refuses a length prefix beyond its limit or the data") {
  byte_writer w;
  w.put_u16(50);
  w.put_raw(std::string_view("short"));
  const auto bytes = w.take();
  byte_reader over_limit(bytes);
  CHECK(over_limit.get_string16("name", 10).error().context.find("exceeds limit") != std::string::npos);
  byte_reader truncated(bytes);
  CHECK(truncated.get_string16("name", 100).error().context.find("needs 50 bytes, only 5 left") != std::string::npos);
}

TEST_CASE("parse_hex is strict about length and digits") {
  CHECK(parse_hex("00ff", 2, "x").value() == byte_buffer{0x00, 0xff});
  CHECK_FALSE(parse_hex("00f", 2, "x").has_value());
  CHECK_FALSE(parse_hex("00fg", 2, "x").has_value());
}

}  // namespace bytes_test
