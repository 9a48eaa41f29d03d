// The box walker on MP4 byte streams built by hand: the fragmented layout it must accept, and the broken
// ones (cut short, lying sizes, boxes out of order) it must report without reading past the end.
#include "firmware/media/mp4_box_walker.hpp"

#include <string>

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;
using bodycam::common::core::byte_buffer;
using bodycam::common::core::errc;

namespace {
void put32(byte_buffer& b, std::uint64_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}
// A box of `size` bytes in total (header included), filled with zeros.
void box(byte_buffer& b, const std::string& type, std::uint32_t size) {
  put32(b, size);
  b.insert(b.end(), type.begin(), type.end());
  b.resize(b.size() + size - 8, 0);
}
byte_buffer segment(int fragments, bool mfra = false) {
  byte_buffer b;
  box(b, "ftyp", 24);
  box(b, "moov", 600);
  for (int i = 0; i < fragments; ++i) {
    box(b, "moof", 100 + static_cast<std::uint32_t>(i));
    box(b, "mdat", 5000);
  }
  if (mfra) box(b, "mfra", 40);
  return b;
}
}  // namespace

TEST_CASE("box walker: reads ftyp, moov and moof+mdat pairs with their offsets") {
  const auto bytes = segment(3);
  auto layout = parse_fmp4_layout(bytes);
  REQUIRE(layout);
  CHECK(layout->init_length == 624);
  REQUIRE(layout->fragments.size() == 3);
  CHECK(layout->fragments[0].offset == 624);
  CHECK(layout->fragments[0].length == 5100);
  CHECK(layout->fragments[1].offset == 5724);
  CHECK(layout->fragments[2].length == 5102);
  CHECK(layout->tail_length == 0);
  CHECK(layout->incomplete_tail == 0);
}

TEST_CASE("box walker: an mfra after the last fragment is the tail") {
  auto layout = parse_fmp4_layout(segment(2, true));
  REQUIRE(layout);
  CHECK(layout->fragments.size() == 2);
  CHECK(layout->tail_length == 40);
}

TEST_CASE("box walker: truncate_last_fragment leaves the complete fragments and counts the rest") {
  auto bytes = segment(3);
  bytes.resize(bytes.size() - 1000);  // the last mdat is cut short
  auto layout = parse_fmp4_layout(bytes);
  REQUIRE(layout);
  CHECK(layout->fragments.size() == 2);
  CHECK(layout->incomplete_tail == 102 + 4000);  // the whole last moof plus what is left of its mdat

  bytes.resize(5724 + 5);  // not even a box header after two... one fragment
  layout = parse_fmp4_layout(bytes);
  REQUIRE(layout);
  CHECK(layout->fragments.size() == 1);
  CHECK(layout->incomplete_tail == 5);
}

TEST_CASE("box walker: 64-bit sizes and size 0 (to the end) are understood") {
  byte_buffer b;
  box(b, "ftyp", 16);
  put32(b, 1);  // largesize follows
  b.insert(b.end(), {'m', 'o', 'o', 'v'});
  put32(b, 0);
  put32(b, 32);
  b.resize(b.size() + 16, 0);
  put32(b, 0);  // to the end of the file
  b.insert(b.end(), {'m', 'f', 'r', 'a'});
  b.resize(b.size() + 10, 0);
  auto walk = walk_mp4_boxes(b);
  REQUIRE(walk);
  REQUIRE(walk->boxes.size() == 3);
  CHECK(walk->boxes[1].size == 32);
  CHECK(walk->boxes[1].header_size == 16);
  CHECK(walk->boxes[2].size == 18);
}

TEST_CASE("box walker: a size smaller than the header is malformed, naming the offset") {
  auto bytes = segment(1);
  bytes[627] = 4;  // the moof at offset 624 claims 4 bytes
  auto walk = walk_mp4_boxes(bytes);
  REQUIRE_FALSE(walk);
  CHECK(walk.error().code == errc::malformed);
  CHECK(walk.error().context.find("offset 624") != std::string::npos);
}

TEST_CASE("box walker: boxes out of order are malformed (swap_moof_and_mdat, missing moov)") {
  byte_buffer swapped;
  box(swapped, "ftyp", 24);
  box(swapped, "moov", 100);
  box(swapped, "mdat", 100);
  box(swapped, "moof", 100);
  auto layout = parse_fmp4_layout(swapped);
  REQUIRE_FALSE(layout);
  CHECK(layout.error().context.find("'mdat' at offset 124") != std::string::npos);

  byte_buffer no_moov;
  box(no_moov, "ftyp", 24);
  box(no_moov, "moof", 100);
  layout = parse_fmp4_layout(no_moov);
  REQUIRE_FALSE(layout);
  CHECK(layout.error().context.find("expected moov") != std::string::npos);

  CHECK_FALSE(parse_fmp4_layout(byte_buffer{}));
}
