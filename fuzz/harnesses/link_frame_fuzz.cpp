// Fuzzes the link's framing (common/link): the stream decoder that splits a TCP byte stream into Noise
// messages (wire_decoder) and the frame parser that reads one decrypted transport message (parse_frame).
// Invariants checked: an accepted frame re-encodes to exactly the input; the wire decoder yields the same
// messages whether the stream arrives whole or split at a point the input chooses, never a message over its
// limit, and once failed it stays failed (wire_decoder.hpp invariants 1-3).
#include "common/link/frame.hpp"
#include "common/link/wire_decoder.hpp"
#include "fuzz/fuzz_check.hpp"

#include <vector>

namespace lnk = bodycam::common::link;  // not "link": unistd.h declares link()
namespace core = bodycam::common::core;
using bodycam::fuzz::require;

namespace {

struct decoded_stream {
  std::vector<core::byte_buffer> messages;
  bool failed = false;
  bool finished_cleanly = false;
};

[[nodiscard]] decoded_stream decode_stream(core::byte_view stream, std::size_t split, std::size_t limit) {
  lnk::wire_decoder decoder(limit);
  decoded_stream out;
  const auto drain = [&] {
    while (!out.failed) {
      auto next = decoder.next();
      if (!next) {
        out.failed = true;
        require(decoder.has_failed(), "link_frame", "an error leaves the decoder failed");
        require(!decoder.next().has_value(), "link_frame", "a failed decoder stays failed");
        return;
      }
      if (!next->has_value()) return;
      require(!(*next)->empty() && (*next)->size() <= limit, "link_frame", "a message is 1 .. limit bytes");
      out.messages.push_back(std::move(**next));
    }
  };
  decoder.feed(stream.first(split));
  drain();
  if (!out.failed) {
    decoder.feed(stream.subspan(split));
    drain();
  }
  if (!out.failed) out.finished_cleanly = decoder.finish().has_value();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = bodycam::fuzz::as_bytes(data, size);
  if (auto f = lnk::parse_frame(input)) {
    auto encoded = lnk::encode_frame(*f);
    require(encoded.has_value() && bodycam::fuzz::same_bytes(*encoded, input), "link_frame",
            "parse_frame then encode_frame == input");
  }
  if (input.empty()) return 0;
  // The first byte picks the split point and a small or the full message limit; the rest is the stream.
  const std::size_t split = input.size() > 1 ? input[0] % input.size() : 0;
  const std::size_t limit = (input[0] & 1) != 0 ? lnk::max_noise_message : 64;
  const auto stream = input.subspan(1);
  const auto whole = decode_stream(stream, stream.size(), limit);
  const auto split_up = decode_stream(stream, std::min(split, stream.size()), limit);
  require(whole.failed == split_up.failed, "link_frame", "failure does not depend on how the stream is split");
  if (!whole.failed) {
    require(whole.messages == split_up.messages, "link_frame", "the messages do not depend on the split");
    require(whole.finished_cleanly == split_up.finished_cleanly, "link_frame", "finish does not depend on the split");
    for (const auto& m : whole.messages) {
      auto wire = lnk::encode_wire_message(m);
      require(wire.has_value() && wire->size() == m.size() + 2, "link_frame", "a decoded message re-encodes");
    }
  }
  return 0;
}
