// Reads the top-level box structure of an ISO-BMFF (MP4) file from bytes, without libav: the independent
// check the tests run on every segment, and what a salvage of a `.partial` file after a power loss can use to
// find where the last complete fragment ends. Untrusted input: every size is checked against the bytes present.
// Invariants:
//  1. Boxes are returned in file order; each lies entirely inside the input; consecutive boxes are adjacent.
//  2. A box whose declared size runs past the end is not returned: its bytes are counted in incomplete_tail.
//  3. A declared size smaller than its own header (or a 64-bit size that overflows) is an error naming the
//     offset; size 0 ("to the end of the file") is accepted for the last box only.
//  4. parse_fmp4_layout accepts exactly: ftyp, moov, then zero or more (moof, mdat) pairs, then optionally one
//     mfra; any other order is `malformed`, naming the box and offset.
#pragma once

#include "common/core/bytes.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace bodycam::firmware::media {

struct mp4_box {
  std::string type;  // four characters, e.g. "moof"
  std::uint64_t offset = 0;
  std::uint64_t size = 0;  // header included
  std::uint32_t header_size = 8;
};

struct mp4_box_walk {
  std::vector<mp4_box> boxes;
  std::uint64_t incomplete_tail = 0;  // bytes of a last box that is cut short (invariant 2)
};

[[nodiscard]] common::core::expected<mp4_box_walk> walk_mp4_boxes(common::core::byte_view bytes);

struct fmp4_fragment_span {
  std::uint64_t offset = 0;  // of the moof
  std::uint64_t length = 0;  // moof + mdat
};

struct fmp4_layout {
  std::uint64_t init_length = 0;  // ftyp + moov
  std::vector<fmp4_fragment_span> fragments;
  std::uint64_t tail_length = 0;      // an mfra box, if present
  std::uint64_t incomplete_tail = 0;  // bytes of a cut-short last box
};

[[nodiscard]] common::core::expected<fmp4_layout> parse_fmp4_layout(common::core::byte_view bytes);

}  // namespace bodycam::firmware::media
