// The link's framing without sockets: the wire decoder fed split, merged, zero-length, oversized, truncated
// and garbage input; frame encoding and parsing; a secure channel fed garbage.
#include "tests/support/text_match.hpp"
#include "common/link/frame.hpp"
#include "common/link/wire_decoder.hpp"
#include "link_test_support.hpp"

#include <random>

#include <catch2/catch.hpp>

using namespace bodycam::common::link;
using namespace bodycam::common::link::testing;

namespace {
using bodycam::tests::mentions;

core::byte_buffer wire_of(std::initializer_list<core::byte_buffer> messages) {
  core::byte_buffer out;
  for (const auto& m : messages) {
    auto encoded = encode_wire_message(m);
    REQUIRE(encoded.has_value());
    out.insert(out.end(), encoded->begin(), encoded->end());
  }
  return out;
}

std::vector<core::byte_buffer> drain(wire_decoder& decoder) {
  std::vector<core::byte_buffer> out;
  for (;;) {
    auto next = decoder.next();
    REQUIRE(next.has_value());
    if (!*next) return out;
    out.push_back(std::move(**next));
  }
}

const core::byte_buffer small(5, 0x01);
const core::byte_buffer medium(300, 0x02);
const core::byte_buffer largest(max_noise_message, 0x03);
}  // namespace

TEST_CASE("encode_wire_message: big-endian u16 length, then the message") {
  const auto encoded = wire_of({small});
  CHECK(core::to_hex(encoded) == "00050101010101");
  const auto big = encode_wire_message(largest);
  REQUIRE(big.has_value());
  CHECK((*big)[0] == 0xff);
  CHECK((*big)[1] == 0xff);
  CHECK(encode_wire_message({}).error().code == core::errc::invalid_argument);
  CHECK(encode_wire_message(core::byte_buffer(max_noise_message + 1, 0)).error().code == core::errc::invalid_argument);
}

TEST_CASE("wire_decoder yields the same messages however the bytes are split") {
  const auto stream = wire_of({small, medium, largest, small});
  SECTION("all at once (merged)") {
    wire_decoder decoder;
    decoder.feed(stream);
    const auto messages = drain(decoder);
    REQUIRE(messages.size() == 4);
    CHECK(messages[0] == small);
    CHECK(messages[1] == medium);
    CHECK(messages[2] == largest);
    CHECK(messages[3] == small);
    CHECK(decoder.finish().has_value());
  }
  SECTION("one byte at a time") {
    wire_decoder decoder;
    std::vector<core::byte_buffer> messages;
    for (const auto byte : stream) {
      decoder.feed(core::byte_view(&byte, 1));
      for (auto& m : drain(decoder)) messages.push_back(std::move(m));
    }
    REQUIRE(messages.size() == 4);
    CHECK(messages[2] == largest);
    CHECK(decoder.buffered() == 0);
    CHECK(decoder.finish().has_value());
  }
  SECTION("in random chunks") {
    std::mt19937 rng(20240501);
    wire_decoder decoder;
    std::vector<core::byte_buffer> messages;
    for (std::size_t at = 0; at < stream.size();) {
      const std::size_t chunk = std::min<std::size_t>(stream.size() - at, 1 + rng() % 5000);
      decoder.feed(core::byte_view(stream).subspan(at, chunk));
      at += chunk;
      for (auto& m : drain(decoder)) messages.push_back(std::move(m));
    }
    REQUIRE(messages.size() == 4);
    CHECK(messages[1] == medium);
    CHECK(messages[3] == small);
  }
}

TEST_CASE("wire_decoder refuses a zero length, and stays failed") {
  wire_decoder decoder;
  auto stream = wire_of({small});
  stream.push_back(0x00);
  stream.push_back(0x00);
  stream.push_back(0x41);
  decoder.feed(stream);
  auto first = decoder.next();
  REQUIRE(first.has_value());
  REQUIRE(first->has_value());
  auto zero = decoder.next();
  REQUIRE_FALSE(zero.has_value());
  CHECK(zero.error().code == core::errc::malformed);
  CHECK(mentions(zero.error(), "stream offset 7: length 0"));
  decoder.feed(wire_of({small}));
  CHECK_FALSE(decoder.next().has_value());
  CHECK_FALSE(decoder.finish().has_value());
  CHECK(decoder.has_failed());
}

TEST_CASE("wire_decoder refuses an oversized length as soon as the prefix arrives") {
  wire_decoder decoder(max_handshake_message);
  decoder.feed(core::byte_buffer{0x00, 0x81});  // 129 > 128, and no body sent at all
  auto refused = decoder.next();
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::malformed);
  CHECK(mentions(refused.error(), "length 129 exceeds the limit of 128 bytes"));

  wire_decoder exact(max_handshake_message);
  exact.feed(wire_of({core::byte_buffer(128, 9)}));
  CHECK(drain(exact).size() == 1);

  wire_decoder raised(max_handshake_message);
  raised.set_max_message(max_noise_message);
  raised.feed(wire_of({largest}));
  CHECK(drain(raised).size() == 1);
}

TEST_CASE("wire_decoder reports a stream truncated inside a message or inside its prefix") {
  const auto stream = wire_of({small, medium});
  SECTION("inside the body") {
    wire_decoder decoder;
    decoder.feed(core::byte_view(stream).first(stream.size() - 10));
    CHECK(drain(decoder).size() == 1);
    auto ended = decoder.finish();
    REQUIRE_FALSE(ended.has_value());
    CHECK(ended.error().code == core::errc::malformed);
    CHECK(mentions(ended.error(), "stream ended inside the wire message at stream offset 7: have 292 bytes of 302"));
  }
  SECTION("inside the length prefix") {
    wire_decoder decoder;
    decoder.feed(core::byte_view(stream).first(8));
    CHECK(drain(decoder).size() == 1);
    auto ended = decoder.finish();
    REQUIRE_FALSE(ended.has_value());
    CHECK(mentions(ended.error(), "have 1 bytes of the 2-byte length prefix"));
  }
  SECTION("on a boundary is a clean end") {
    wire_decoder decoder;
    decoder.feed(core::byte_view(stream).first(7));
    CHECK(drain(decoder).size() == 1);
    CHECK(decoder.finish().has_value());
  }
}

TEST_CASE("frames: encode and parse each type; refuse empty, unknown types and stray payloads") {
  for (const auto& f : {frame::make_data(bytes_of("records 1..40")), frame::make_data({}),
                        frame::make_close("dock shutting down"), frame::make_accept()}) {
    auto plaintext = encode_frame(f);
    REQUIRE(plaintext.has_value());
    CHECK((*plaintext)[0] == static_cast<std::uint8_t>(f.type));
    CHECK(parse_frame(*plaintext).value() == f);
  }
  CHECK(parse_frame({}).error().code == core::errc::malformed);
  for (const std::uint8_t bad : std::array<std::uint8_t, 4>{0x00, 0x04, 0x7f, 0xff}) {
    const core::byte_buffer plaintext{bad, 0x01};
    auto refused = parse_frame(plaintext);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == core::errc::malformed);
    CHECK(mentions(refused.error(), "unknown type 0x" + core::to_hex(core::byte_view(&bad, 1))));
  }
  const core::byte_buffer accept_with_payload{0x03, 0x00};
  CHECK(parse_frame(accept_with_payload).error().code == core::errc::malformed);
  CHECK(encode_frame(frame{frame_type::accept, {1}}).error().code == core::errc::invalid_argument);
  CHECK(encode_frame(frame::make_data(core::byte_buffer(max_frame_payload, 0))).has_value());
  CHECK(encode_frame(frame::make_data(core::byte_buffer(max_frame_payload + 1, 0))).error().code ==
        core::errc::invalid_argument);
}

TEST_CASE("secure_channel: an oversized frame is refused before sending and the channel stays usable") {
  cast people;
  system_random_source random;
  auto camera = start_handshake(role::initiator, people.camera, people.agency_docks, random);
  auto dock = start_handshake(role::responder, people.dock, people.enrolled_cameras, random);
  auto outcome = run_handshake(camera, dock);
  REQUIRE(outcome.initiator_channel.has_value());
  auto& sender = *outcome.initiator_channel;
  auto refused = sender.seal(frame::make_data(core::byte_buffer(max_frame_payload + 1, 0)));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::invalid_argument);
  CHECK_FALSE(sender.is_closed());
  CHECK(sender.messages_sent() == 0);  // no nonce used
  auto ok = sender.seal(frame::make_data(bytes_of("still fine")));
  REQUIRE(ok.has_value());
  CHECK(outcome.responder_channel->open(strip_prefix(*ok)).value().payload == bytes_of("still fine"));
}

TEST_CASE("garbage from the network never yields a frame and closes the channel") {
  cast people;
  std::mt19937 rng(7);
  for (int trial = 0; trial < 40; ++trial) {
    INFO("trial " << trial);
    system_random_source random;
    auto camera = start_handshake(role::initiator, people.camera, people.agency_docks, random);
    auto dock = start_handshake(role::responder, people.dock, people.enrolled_cameras, random);
    auto outcome = run_handshake(camera, dock);
    REQUIRE(outcome.responder_channel.has_value());
    auto& channel = *outcome.responder_channel;
    core::byte_buffer garbage(1 + static_cast<std::size_t>(rng() % 600));
    for (auto& b : garbage) b = static_cast<std::uint8_t>(rng());
    // Odd trials: raw garbage (the framing may refuse it first); even trials: garbage inside a well-formed
    // wire message, so it reaches decryption.
    const core::byte_buffer stream = trial % 2 == 0 ? wire_of({garbage}) : garbage;
    wire_decoder decoder;
    decoder.feed(stream);
    int frames = 0;
    int refused = 0;
    for (;;) {
      auto next = decoder.next();
      if (!next || !*next) break;
      auto opened = channel.open(**next);
      if (opened)
        ++frames;
      else
        ++refused;
    }
    CHECK(frames == 0);
    if (trial % 2 == 0) {
      CHECK(refused == 1);
      CHECK(channel.is_closed());
    }
  }
}
