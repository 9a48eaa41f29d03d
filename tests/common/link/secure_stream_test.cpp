// secure_stream over loopback TCP (127.0.0.1 only, every test bounded): the link between a camera and its
// dock, refusals, deadlines, and peers that send truncated, oversized or tampered bytes.
#include "tests/support/text_match.hpp"
#include "loopback_support.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common::link;
using namespace bodycam::common::link::testing;

namespace {
using bodycam::tests::mentions;

struct side_result {
  std::optional<core::status> handshake;
  std::optional<core::error> later_error;
  std::vector<core::byte_buffer> received;
  std::optional<handshake_hash> hash;
  std::optional<crypto::public_key> peer;
};

// "ack:<size>:" followed by the first (up to) 8 bytes of the payload: fits in a frame whatever the payload.
core::byte_buffer acknowledgement_of(const core::byte_buffer& payload) {
  const std::string prefix = "ack:" + std::to_string(payload.size()) + ":";
  const std::size_t echoed = std::min<std::size_t>(payload.size(), 8);
  core::byte_buffer out(prefix.size() + echoed);
  std::copy(prefix.begin(), prefix.end(), out.begin());
  std::copy_n(payload.begin(), echoed, out.begin() + static_cast<std::ptrdiff_t>(prefix.size()));
  return out;
}

// A dock that accepts one connection and acknowledges each data frame, until the link ends.
asio::awaitable<void> echo_dock(tcp::acceptor& acceptor, const link_identity& id, const trust_set& cameras,
                                link_timeouts timeouts, side_result& out) {
  system_random_source random;
  secure_stream stream(co_await accept_one(acceptor), timeouts);
  out.handshake = co_await stream.handshake(role::responder, id, cameras, random);
  if (!*out.handshake) co_return;
  out.hash = stream.handshake_hash();
  out.peer = stream.peer_key();
  for (;;) {
    auto f = co_await stream.read_frame();
    if (!f) {
      out.later_error = f.error();
      co_return;
    }
    out.received.push_back(f->payload);
    if (auto sent = co_await stream.write_frame(frame::make_data(acknowledgement_of(f->payload))); !sent) {
      out.later_error = sent.error();
      co_return;
    }
  }
}
}  // namespace

TEST_CASE("a camera and its dock establish the link over loopback and exchange frames", "[integration]") {
  cast people;
  asio::io_context io;
  auto acceptor = loopback_listener(io);
  side_result dock, camera;
  asio::co_spawn(io, echo_dock(acceptor, people.dock, people.enrolled_cameras, test_timeouts(), dock), rethrow);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        system_random_source random;
        secure_stream stream(co_await connect_raw(acceptor.local_endpoint()), test_timeouts());
        camera.handshake = co_await stream.handshake(role::initiator, people.camera, people.agency_docks, random);
        REQUIRE(camera.handshake->has_value());
        camera.hash = stream.handshake_hash();
        camera.peer = stream.peer_key();
        const std::array<std::size_t, 3> sizes{1, 1000, max_frame_payload};
        for (const std::size_t size : sizes) {
          core::byte_buffer payload(size, static_cast<std::uint8_t>(size));
          BODYCAM_REQUIRE_OK(co_await stream.write_frame(frame::make_data(payload)));
          auto answer = co_await stream.read_frame();
          BODYCAM_REQUIRE_OK(answer);
          camera.received.push_back(answer->payload);
        }
        BODYCAM_REQUIRE_OK(co_await stream.close("end of shift"));
        CHECK_FALSE(stream.is_open());
        auto after = co_await stream.write_frame(frame::make_data(bytes_of("late")));
        REQUIRE_FALSE(after.has_value());
        CHECK(after.error().code == core::errc::closed);
      },
      rethrow);
  run_bounded(io);

  REQUIRE(dock.handshake.has_value());
  REQUIRE(dock.handshake->has_value());
  CHECK(dock.peer == people.camera.public_key());
  CHECK(camera.peer == people.dock.public_key());
  REQUIRE(dock.hash.has_value());
  CHECK(dock.hash == camera.hash);
  REQUIRE(dock.received.size() == 3);
  CHECK(dock.received[1] == core::byte_buffer(1000, static_cast<std::uint8_t>(1000)));
  CHECK(dock.received[2].size() == max_frame_payload);
  REQUIRE(camera.received.size() == 3);
  CHECK(camera.received[0] == acknowledgement_of(core::byte_buffer{1}));
  CHECK(camera.received[2] == acknowledgement_of(core::byte_buffer(max_frame_payload, 0xee)));
  CHECK(camera.received[2].size() == std::string_view("ack:65518:").size() + 8);
  // The dock learns the link ended, and why.
  REQUIRE(dock.later_error.has_value());
  CHECK(dock.later_error->code == core::errc::closed);
  CHECK(mentions(*dock.later_error, "the peer closed the link: end of shift"));
}

TEST_CASE("unknown_camera over TCP: the dock refuses it by fingerprint and the camera is told", "[integration]") {
  cast people;
  asio::io_context io;
  auto acceptor = loopback_listener(io);
  side_result dock;
  std::optional<core::status> camera;
  asio::co_spawn(io, echo_dock(acceptor, people.dock, people.enrolled_cameras, test_timeouts(), dock), rethrow);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        system_random_source random;
        secure_stream stream(co_await connect_raw(acceptor.local_endpoint()), test_timeouts());
        camera = co_await stream.handshake(role::initiator, people.unknown_camera, people.agency_docks, random);
        CHECK_FALSE(stream.is_open());
      },
      rethrow);
  run_bounded(io);
  REQUIRE(dock.handshake.has_value());
  REQUIRE_FALSE(dock.handshake->has_value());
  CHECK(dock.handshake->error().code == core::errc::permission);
  CHECK(mentions(dock.handshake->error(), people.unknown_camera.public_key().fingerprint().to_hex()));
  CHECK(mentions(dock.handshake->error(), "127.0.0.1:"));
  REQUIRE(camera.has_value());
  REQUIRE_FALSE(camera->has_value());
  CHECK(camera->error().code == core::errc::closed);
  CHECK(mentions(camera->error(), "does it trust this device"));
}

TEST_CASE("rogue_dock over TCP: the camera refuses a dock that is not the agency's", "[integration]") {
  cast people;
  asio::io_context io;
  auto acceptor = loopback_listener(io);
  side_result rogue;
  const trust_set anyone = trusting("a camera", {&people.camera});
  std::optional<core::status> camera;
  asio::co_spawn(io, echo_dock(acceptor, people.rogue_dock, anyone, test_timeouts(), rogue), rethrow);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        system_random_source random;
        secure_stream stream(co_await connect_raw(acceptor.local_endpoint()), test_timeouts());
        camera = co_await stream.handshake(role::initiator, people.camera, people.agency_docks, random);
      },
      rethrow);
  run_bounded(io);
  REQUIRE(camera.has_value());
  REQUIRE_FALSE(camera->has_value());
  CHECK(camera->error().code == core::errc::permission);
  CHECK(mentions(camera->error(), people.rogue_dock.public_key().fingerprint().to_hex()));
  // The rogue dock never got message 3 and so never learnt which camera it was.
  REQUIRE(rogue.handshake.has_value());
  REQUIRE_FALSE(rogue.handshake->has_value());
  CHECK(rogue.handshake->error().code == core::errc::closed);
  CHECK_FALSE(rogue.peer.has_value());
}

TEST_CASE("a peer that connects and sends nothing: the handshake times out", "[integration]") {
  cast people;
  asio::io_context io;
  auto acceptor = loopback_listener(io);
  side_result dock;
  asio::co_spawn(io, echo_dock(acceptor, people.dock, people.enrolled_cameras, short_timeouts(), dock), rethrow);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto silent = co_await connect_raw(acceptor.local_endpoint());
        co_await wait_for_close(silent);  // the dock gives up and closes
      },
      rethrow);
  run_bounded(io);
  REQUIRE(dock.handshake.has_value());
  REQUIRE_FALSE(dock.handshake->has_value());
  CHECK(dock.handshake->error().code == core::errc::timeout);
  CHECK(mentions(dock.handshake->error(), "receive handshake message from 127.0.0.1:"));
  CHECK(mentions(dock.handshake->error(), "timed out after 300 ms"));
}

TEST_CASE("a peer that stops sending after the handshake: read_frame times out", "[integration]") {
  cast people;
  asio::io_context io;
  auto acceptor = loopback_listener(io);
  side_result dock;
  std::optional<core::error> camera_error;
  asio::co_spawn(io, echo_dock(acceptor, people.dock, people.enrolled_cameras, short_timeouts(), dock), rethrow);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        system_random_source random;
        secure_stream stream(co_await connect_raw(acceptor.local_endpoint()), test_timeouts());
        BODYCAM_REQUIRE_OK(co_await stream.handshake(role::initiator, people.camera, people.agency_docks, random));
        auto f = co_await stream.read_frame();  // sends nothing; the dock's read deadline ends the link
        REQUIRE_FALSE(f.has_value());
        camera_error = f.error();
      },
      rethrow);
  run_bounded(io);
  REQUIRE(dock.handshake.has_value());
  REQUIRE(dock.handshake->has_value());
  REQUIRE(dock.later_error.has_value());
  CHECK(dock.later_error->code == core::errc::timeout);
  CHECK(mentions(*dock.later_error, "read frame from 127.0.0.1:"));
  REQUIRE(camera_error.has_value());
  CHECK(camera_error->code == core::errc::closed);
}

TEST_CASE("a peer that stops reading: write_frame times out", "[integration]") {
  cast people;
  asio::io_context io;
  auto acceptor = loopback_listener(io);
  std::optional<core::error> dock_error;
  std::size_t frames_written = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        system_random_source random;
        secure_stream stream(co_await accept_one(acceptor), short_timeouts());
        BODYCAM_REQUIRE_OK(co_await stream.handshake(role::responder, people.dock, people.enrolled_cameras, random));
        const auto big = frame::make_data(core::byte_buffer(max_frame_payload, 0x77));
        // Loopback buffers hold a few MB; 2000 frames (128 MiB) is far beyond them, so this ends in a timeout.
        for (; frames_written < 2000; ++frames_written) {
          auto sent = co_await stream.write_frame(big);
          if (!sent) {
            dock_error = sent.error();
            break;
          }
        }
      },
      rethrow);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        system_random_source random;
        secure_stream stream(co_await connect_raw(acceptor.local_endpoint()), test_timeouts());
        BODYCAM_REQUIRE_OK(co_await stream.handshake(role::initiator, people.camera, people.agency_docks, random));
        auto raw = asio::steady_timer(co_await asio::this_coro::executor);
        // Hold the connection without reading until the dock has given up, then leave.
        while (!dock_error) {
          raw.expires_after(50ms);
          co_await raw.async_wait(asio::use_awaitable);
        }
      },
      rethrow);
  run_bounded(io, 60s);
  REQUIRE(dock_error.has_value());
  CHECK(dock_error->code == core::errc::timeout);
  CHECK(mentions(*dock_error, "write frame to 127.0.0.1:"));
  CHECK(frames_written < 2000);
}

TEST_CASE("a truncated handshake message is refused when the peer hangs up", "[integration]") {
  cast people;
  asio::io_context io;
  auto acceptor = loopback_listener(io);
  side_result dock;
  asio::co_spawn(io, echo_dock(acceptor, people.dock, people.enrolled_cameras, test_timeouts(), dock), rethrow);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto raw = co_await connect_raw(acceptor.local_endpoint());
        const core::byte_buffer partial{0x00, 0x20, 1, 2, 3, 4, 5};  // announces 32 bytes, sends 5
        co_await send_raw(raw, partial);
        raw.shutdown(tcp::socket::shutdown_send);
        co_await wait_for_close(raw);
      },
      rethrow);
  run_bounded(io);
  REQUIRE(dock.handshake.has_value());
  REQUIRE_FALSE(dock.handshake->has_value());
  CHECK(dock.handshake->error().code == core::errc::malformed);
  CHECK(
      mentions(dock.handshake->error(), "stream ended inside the wire message at stream offset 0: have 7 bytes of 34"));
}

TEST_CASE("an oversized or empty handshake message is refused from its length prefix", "[integration]") {
  const auto [prefix, expected] = GENERATE(table<core::byte_buffer, std::string>({
      {core::byte_buffer{0xff, 0xff}, "length 65535 exceeds the limit of 128 bytes"},
      {core::byte_buffer{0x00, 0x81}, "length 129 exceeds the limit of 128 bytes"},
      {core::byte_buffer{0x00, 0x00}, "length 0"},
  }));
  cast people;
  asio::io_context io;
  auto acceptor = loopback_listener(io);
  side_result dock;
  asio::co_spawn(io, echo_dock(acceptor, people.dock, people.enrolled_cameras, test_timeouts(), dock), rethrow);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto raw = co_await connect_raw(acceptor.local_endpoint());
        co_await send_raw(raw, prefix);  // and nothing else: refused without waiting for a body
        co_await wait_for_close(raw);
      },
      rethrow);
  run_bounded(io);
  REQUIRE(dock.handshake.has_value());
  REQUIRE_FALSE(dock.handshake->has_value());
  CHECK(dock.handshake->error().code == core::errc::malformed);
  CHECK(mentions(dock.handshake->error(), expected));
}

TEST_CASE("flip_bit_in_transport_message over TCP: the dock refuses it and ends the link", "[integration]") {
  // The camera side is driven by hand (pure handshake over a raw socket) so that it can send a tampered
  // transport message.
  cast people;
  asio::io_context io;
  auto acceptor = loopback_listener(io);
  side_result dock;
  asio::co_spawn(io, echo_dock(acceptor, people.dock, people.enrolled_cameras, test_timeouts(), dock), rethrow);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        system_random_source random;
        auto raw = co_await connect_raw(acceptor.local_endpoint());
        auto camera = start_handshake(role::initiator, people.camera, people.agency_docks, random);
        for (int i = 0; i < 3; ++i) {
          if (camera.is_my_turn()) {
            auto m = camera.write_message();
            BODYCAM_REQUIRE_OK(m);
            auto wire = encode_wire_message(*m);
            BODYCAM_REQUIRE_OK(wire);
            co_await send_raw(raw, *wire);
          } else {
            auto m = co_await receive_raw_message(raw);
            BODYCAM_REQUIRE_OK(camera.read_message(m));
          }
        }
        auto channel = camera.finish();
        BODYCAM_REQUIRE_OK(channel);
        auto accept_message = co_await receive_raw_message(raw);
        auto accept = channel->open(accept_message);
        BODYCAM_REQUIRE_OK(accept);
        REQUIRE(accept->type == frame_type::accept);
        auto good = channel->seal(frame::make_data(bytes_of("fragment 1")));
        BODYCAM_REQUIRE_OK(good);
        co_await send_raw(raw, *good);
        auto ack_message = co_await receive_raw_message(raw);
        const auto ack = channel->open(ack_message);
        BODYCAM_REQUIRE_OK(ack);
        CHECK(ack->payload == acknowledgement_of(bytes_of("fragment 1")));
        auto tampered = channel->seal(frame::make_data(bytes_of("fragment 2")));
        REQUIRE(tampered.has_value());
        (*tampered)[5] ^= 0x10;
        co_await send_raw(raw, *tampered);
        co_await wait_for_close(raw);
      },
      rethrow);
  run_bounded(io);
  REQUIRE(dock.handshake.has_value());
  REQUIRE(dock.handshake->has_value());
  REQUIRE(dock.received.size() == 1);
  REQUIRE(dock.later_error.has_value());
  CHECK(dock.later_error->code == core::errc::bad_signature);
  CHECK(mentions(*dock.later_error, "transport message 2 from the initiator: authentication tag does not verify"));
}
