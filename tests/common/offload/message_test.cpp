// Offload messages: golden bytes, round trip of every type, and malformed input (every truncation, trailing
// bytes, unknown version and type, fields over their limits, counts the message cannot hold).
#include "common/offload/message.hpp"

#include "common/core/hex.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common;
namespace offload = bodycam::common::offload;

namespace {

std::vector<offload::message> one_of_each() {
  offload::checkpoint_response cp;
  cp.checkpoint = core::byte_buffer(130, 0x5A);
  cp.battery_percent = 87;
  cp.free_bytes = 123456789;
  offload::records_response rr;
  rr.from_seq = 17;
  rr.records = {core::byte_buffer(100, 1), core::byte_buffer(65, 2)};
  offload::file_response fr;
  fr.file_name = "000001.mp4";
  fr.offset = 60000;
  fr.file_length = 70000;
  fr.data = core::byte_buffer(10000, 7);
  offload::timesync_request ts;
  ts.dock_id = "dock-1";
  ts.dock_key.bytes.fill(3);
  ts.dock_utc = record::utc_time(record::nanoseconds(1'795'000'000'000'000'000));
  ts.checkpoint_count = 42;
  ts.checkpoint_head.bytes.fill(4);
  ts.dock_signature.bytes.fill(5);
  return {offload::checkpoint_request{},
          cp,
          offload::records_request{5, 100},
          rr,
          offload::file_request{"000001.mp4", 60000, 10000},
          fr,
          ts,
          offload::receipt_request{core::byte_buffer(300, 9)},
          offload::appended_response{offload::append_outcome::already_recorded, 99},
          offload::error_response{core::errc::not_found, "file 000001.mp4: reclaimed"}};
}

}  // namespace

TEST_CASE("offload messages have the documented bytes (golden)") {
  auto request = offload::encode(offload::records_request{5, 100});
  REQUIRE(request.has_value());
  CHECK(core::to_hex(*request) == "0001" "03" "0000000000000005" "00000064");
  auto file = offload::encode(offload::file_request{"a.mp4", 1, 2});
  REQUIRE(file.has_value());
  CHECK(core::to_hex(*file) == "0001" "05" "0005" "612e6d7034" "0000000000000001" "00000002");
  auto appended = offload::encode(offload::appended_response{offload::append_outcome::appended, 7});
  REQUIRE(appended.has_value());
  CHECK(core::to_hex(*appended) == "0001" "09" "00" "0000000000000007");
  auto cp = offload::encode(offload::checkpoint_request{});
  REQUIRE(cp.has_value());
  CHECK(core::to_hex(*cp) == "000101");
}

TEST_CASE("every offload message type round-trips") {
  for (const auto& m : one_of_each()) {
    auto bytes = offload::encode(m);
    REQUIRE(bytes.has_value());
    CHECK(bytes->size() <= offload::max_message_bytes);
    auto back = offload::decode(*bytes);
    REQUIRE(back.has_value());
    CHECK(back->index() == m.index());
    CHECK(*back == m);
  }
}

TEST_CASE("truncated_message: every proper prefix of every message is refused") {
  for (const auto& m : one_of_each()) {
    auto bytes = offload::encode(m);
    REQUIRE(bytes.has_value());
    for (std::size_t n = 0; n < bytes->size(); ++n) {
      auto back = offload::decode(core::byte_view(*bytes).first(n));
      CHECK_FALSE(back.has_value());
      if (!back) CHECK(back.error().code == core::errc::malformed);
    }
    auto longer = *bytes;
    longer.push_back(0);
    auto trailing = offload::decode(longer);
    REQUIRE_FALSE(trailing.has_value());
    CHECK(trailing.error().context.find("unexpected bytes") != std::string::npos);
  }
}

TEST_CASE("unknown protocol version and type are refused by name") {
  auto bytes = *offload::encode(offload::checkpoint_request{});
  auto v2 = bytes;
  v2[1] = 2;
  auto a = offload::decode(v2);
  REQUIRE_FALSE(a.has_value());
  CHECK(a.error().code == core::errc::unsupported);
  CHECK(a.error().context.find("version 2") != std::string::npos);
  for (std::uint8_t type : std::array<std::uint8_t, 3>{0, 0x0B, 0xFF}) {
    auto t = bytes;
    t[2] = type;
    auto b = offload::decode(t);
    REQUIRE_FALSE(b.has_value());
    CHECK(b.error().code == core::errc::malformed);
  }
}

TEST_CASE("fields over their limits are refused on both sides") {
  CHECK_FALSE(offload::encode(offload::records_request{0, 0}).has_value());
  CHECK_FALSE(offload::encode(offload::records_request{0, offload::max_records_per_message + 1}).has_value());
  CHECK_FALSE(offload::encode(offload::file_request{"x", 0, offload::max_file_chunk + 1}).has_value());
  CHECK_FALSE(offload::encode(offload::file_request{"", 0, 1}).has_value());
  CHECK_FALSE(offload::encode(offload::file_request{std::string(256, 'a'), 0, 1}).has_value());
  offload::records_response huge;
  huge.records.assign(2, core::byte_buffer(40000, 1));
  auto too_big = offload::encode(huge);
  REQUIRE_FALSE(too_big.has_value());
  CHECK(too_big.error().code == core::errc::invalid_argument);
  CHECK(offload::records_response_size(2, 80000) > offload::max_message_bytes);

  // A records count the bytes cannot hold: refused before anything is reserved.
  auto lie = *offload::encode(offload::records_response{3, {core::byte_buffer(70, 1)}});
  lie[3 + 8 + 0] = 0x7F;  // count's top byte
  auto back = offload::decode(lie);
  REQUIRE_FALSE(back.has_value());
  CHECK(back.error().context.find("records_response.count") != std::string::npos);

  // A file_response claiming bytes beyond the file's length.
  offload::file_response fr{"a", 10, 12, core::byte_buffer(5, 1)};
  auto beyond = offload::encode(fr);
  REQUIRE(beyond.has_value());
  CHECK_FALSE(offload::decode(*beyond).has_value());

  // A battery that is not a percentage; an errc that does not exist.
  auto cp = *offload::encode(offload::checkpoint_response{core::byte_buffer(1, 0), 50, 0});
  cp[3 + 4 + 1] = 101;
  CHECK_FALSE(offload::decode(cp).has_value());
  auto err = *offload::encode(offload::error_response{core::errc::io, "x"});
  err[3] = 200;
  CHECK_FALSE(offload::decode(err).has_value());
  // Oversized input as a whole.
  CHECK_FALSE(offload::decode(core::byte_buffer(offload::max_message_bytes + 1, 0)).has_value());
}

TEST_CASE("an error response carries the code and a bounded detail") {
  core::error e{core::errc::permission, std::string(5000, 'x')};
  auto r = offload::from_error(e);
  CHECK(r.code == core::errc::permission);
  CHECK(r.detail.size() == offload::max_detail);
  auto back = offload::to_error(r);
  CHECK(back.code == core::errc::permission);
  CHECK(back.context.rfind("camera: ", 0) == 0);
}
