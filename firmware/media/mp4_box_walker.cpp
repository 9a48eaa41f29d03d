#include "firmware/media/mp4_box_walker.hpp"

namespace bodycam::firmware::media {

namespace core = common::core;

namespace {
std::uint64_t read_be(core::byte_view bytes, std::uint64_t at, int width) {
  std::uint64_t v = 0;
  for (int i = 0; i < width; ++i) v = (v << 8) | bytes[static_cast<std::size_t>(at) + static_cast<std::size_t>(i)];
  return v;
}

std::string printable_type(core::byte_view bytes, std::uint64_t at) {
  std::string type;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto c = static_cast<char>(bytes[static_cast<std::size_t>(at) + i]);
    type += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return type;
}
}  // namespace

core::expected<mp4_box_walk> walk_mp4_boxes(core::byte_view bytes) {
  mp4_box_walk walk;
  const std::uint64_t end = bytes.size();
  std::uint64_t at = 0;
  while (at < end) {
    if (end - at < 8) {
      walk.incomplete_tail = end - at;  // invariant 2: not even a header
      break;
    }
    mp4_box box;
    box.offset = at;
    box.type = printable_type(bytes, at + 4);
    std::uint64_t size = read_be(bytes, at, 4);
    if (size == 1) {
      if (end - at < 16) {
        walk.incomplete_tail = end - at;
        break;
      }
      size = read_be(bytes, at + 8, 8);
      box.header_size = 16;
    } else if (size == 0) {
      size = end - at;  // invariant 3: "to the end"; it is the last box by construction
    }
    if (size < box.header_size)
      return core::fail(core::errc::malformed, "mp4 box '" + box.type + "' at offset " + std::to_string(at) +
                                                   ": size " + std::to_string(size) + " is smaller than its header");
    if (size > end - at) {
      walk.incomplete_tail = end - at;  // invariant 2
      break;
    }
    box.size = size;
    walk.boxes.push_back(box);
    at += size;
  }
  return walk;
}

core::expected<fmp4_layout> parse_fmp4_layout(core::byte_view bytes) {
  auto walk = walk_mp4_boxes(bytes);
  if (!walk) return std::unexpected(walk.error());
  const auto& boxes = walk->boxes;
  auto unexpected_box = [](const mp4_box& b, std::string_view wanted) {
    return core::fail(core::errc::malformed, "mp4 box '" + b.type + "' at offset " + std::to_string(b.offset) +
                                                 ": expected " + std::string(wanted));
  };
  fmp4_layout layout;
  layout.incomplete_tail = walk->incomplete_tail;
  std::size_t i = 0;
  if (boxes.size() < 2) {
    if (!boxes.empty() && boxes[0].type != "ftyp") return unexpected_box(boxes[0], "ftyp");
    return core::fail(core::errc::malformed,
                      "mp4 file of " + std::to_string(bytes.size()) + " bytes: no complete ftyp and moov (init part)");
  }
  if (boxes[0].type != "ftyp") return unexpected_box(boxes[0], "ftyp");
  if (boxes[1].type != "moov") return unexpected_box(boxes[1], "moov");
  layout.init_length = boxes[0].size + boxes[1].size;
  i = 2;
  while (i < boxes.size() && boxes[i].type == "moof") {
    if (i + 1 >= boxes.size()) {
      // A moof without its mdat: the fragment is incomplete; count it with the incomplete tail.
      layout.incomplete_tail += boxes[i].size;
      return layout;
    }
    if (boxes[i + 1].type != "mdat") return unexpected_box(boxes[i + 1], "mdat after moof");
    layout.fragments.push_back(fmp4_fragment_span{boxes[i].offset, boxes[i].size + boxes[i + 1].size});
    i += 2;
  }
  if (i < boxes.size() && boxes[i].type == "mfra") {
    layout.tail_length = boxes[i].size;
    ++i;
  }
  if (i < boxes.size()) return unexpected_box(boxes[i], "moof or mfra");
  return layout;
}

}  // namespace bodycam::firmware::media
