// Fuzzes the MP4 box walker (firmware/media): the independent reader of a segment's top-level boxes that the
// salvage of a `.partial` file after a power loss relies on, so its input is whatever a power cut left.
// Invariants checked (mp4_box_walker.hpp invariants 1, 2, 4): boxes lie inside the input, in order and
// adjacent, and together with the incomplete tail they cover the input exactly; an accepted fMP4 layout
// (init, fragments, tail, incomplete tail) also covers the input exactly, fragments adjacent after the init.
#include "firmware/media/mp4_box_walker.hpp"
#include "fuzz/fuzz_check.hpp"

namespace media = bodycam::firmware::media;
using bodycam::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = bodycam::fuzz::as_bytes(data, size);
  if (auto walk = media::walk_mp4_boxes(input)) {
    std::uint64_t at = 0;
    for (const auto& box : walk->boxes) {
      require(box.offset == at, "mp4_boxes", "boxes are adjacent and in file order");
      require(box.size >= box.header_size && box.offset + box.size <= size, "mp4_boxes", "a box lies inside the input");
      require(box.type.size() == 4, "mp4_boxes", "a box type is four characters");
      at += box.size;
    }
    require(at + walk->incomplete_tail == size, "mp4_boxes", "boxes and incomplete tail cover the input");
  }
  if (auto layout = media::parse_fmp4_layout(input)) {
    std::uint64_t at = layout->init_length;
    for (const auto& f : layout->fragments) {
      require(f.offset == at && f.length > 0, "mp4_boxes", "fragments are adjacent after the init part");
      at += f.length;
    }
    require(at + layout->tail_length + layout->incomplete_tail == size, "mp4_boxes", "the layout covers the input");
  }
  return 0;
}
