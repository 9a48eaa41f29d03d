// The link handshake between two in-memory peers (camera = initiator, dock = responder) and the attacks the
// link must stop: rogue dock, unknown camera, a stolen identity claim, a flipped bit anywhere in any handshake
// or transport message, replay of an old session's messages, replay and reordering within a session.
#include "tests/support/text_match.hpp"
#include "common/link/link_handshake.hpp"
#include "common/link/wire_format.hpp"
#include "link_test_support.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common::link;
using namespace bodycam::common::link::testing;

namespace {
const core::byte_buffer camera_ephemeral(32, 0x5a);
const core::byte_buffer dock_ephemeral(32, 0xa5);

using bodycam::tests::mentions;

// Camera and dock with fixed ephemerals: the whole exchange is reproducible.
struct fixed_pair {
  cast people;
  fixed_random_source camera_random{{camera_ephemeral}};
  fixed_random_source dock_random{{dock_ephemeral}};
  link_handshake camera = start_handshake(role::initiator, people.camera, people.agency_docks, camera_random);
  link_handshake dock = start_handshake(role::responder, people.dock, people.enrolled_cameras, dock_random);
};

// Camera and dock with fresh system randomness, as in the field.
struct fresh_pair {
  explicit fresh_pair(const cast& people)
      : camera(start_handshake(role::initiator, people.camera, people.agency_docks, random)),
        dock(start_handshake(role::responder, people.dock, people.enrolled_cameras, random)) {}
  system_random_source random;
  link_handshake camera;
  link_handshake dock;
};
}  // namespace

TEST_CASE("camera and dock complete the link handshake with the sizes the wire format documents") {
  fixed_pair pair;
  CHECK(pair.camera.next_message_size() == handshake_message_1_size);
  const auto outcome = run_handshake(pair.camera, pair.dock);
  REQUIRE_FALSE(outcome.initiator_error.has_value());
  REQUIRE_FALSE(outcome.responder_error.has_value());
  REQUIRE(outcome.messages.size() == 3);
  CHECK(outcome.messages[0].size() == 32);
  CHECK(outcome.messages[1].size() == 128);
  CHECK(outcome.messages[2].size() == 96);
  REQUIRE(outcome.initiator_channel.has_value());
  REQUIRE(outcome.responder_channel.has_value());
  CHECK(outcome.initiator_channel->peer_key() == pair.people.dock.public_key());
  CHECK(outcome.responder_channel->peer_key() == pair.people.camera.public_key());
  CHECK(outcome.initiator_channel->handshake_hash() == outcome.responder_channel->handshake_hash());
}

TEST_CASE("the same keys and ephemerals give the same transcript; fresh ephemerals give a new one") {
  fixed_pair first, second;
  const auto a = run_handshake(first.camera, first.dock);
  const auto b = run_handshake(second.camera, second.dock);
  REQUIRE(a.initiator_channel.has_value());
  REQUIRE(b.initiator_channel.has_value());
  CHECK(a.messages == b.messages);
  CHECK(a.initiator_channel->handshake_hash() == b.initiator_channel->handshake_hash());

  cast people;
  fresh_pair fresh(people);
  const auto c = run_handshake(fresh.camera, fresh.dock);
  REQUIRE(c.initiator_channel.has_value());
  CHECK(c.messages[0] != a.messages[0]);
  CHECK(c.initiator_channel->handshake_hash() != a.initiator_channel->handshake_hash());
}

TEST_CASE("transport frames flow both ways after the handshake") {
  fixed_pair pair;
  auto outcome = run_handshake(pair.camera, pair.dock);
  REQUIRE(outcome.initiator_channel.has_value());
  auto& camera = *outcome.initiator_channel;
  auto& dock = *outcome.responder_channel;
  for (int round = 0; round < 5; ++round) {
    const auto request = frame::make_data(bytes_of("list records from " + std::to_string(round)));
    auto wire = dock.seal(request);
    REQUIRE(wire.has_value());
    CHECK(wire->size() == 2 + 1 + request.payload.size() + 16);
    CHECK(camera.open(strip_prefix(*wire)).value() == request);
    const auto answer = frame::make_data(core::byte_buffer(1000 + static_cast<std::size_t>(round), 0x42));
    auto back = camera.seal(answer);
    REQUIRE(back.has_value());
    CHECK(dock.open(strip_prefix(*back)).value() == answer);
  }
  CHECK(camera.messages_sent() == 5);
  CHECK(camera.messages_received() == 5);
  const auto biggest = frame::make_data(core::byte_buffer(max_frame_payload, 7));
  auto wire = camera.seal(biggest);
  REQUIRE(wire.has_value());
  CHECK(wire->size() == 2 + max_noise_message);
  CHECK(dock.open(strip_prefix(*wire)).value() == biggest);
}

TEST_CASE("rogue_dock: a camera refuses a dock that is not the agency's and never reveals itself") {
  cast people;
  system_random_source random;
  auto camera = start_handshake(role::initiator, people.camera, people.agency_docks, random);
  // The rogue dock would accept anyone.
  const trust_set anyone = trusting("a camera", {&people.camera});
  auto rogue = start_handshake(role::responder, people.rogue_dock, anyone, random);
  const auto outcome = run_handshake(camera, rogue);
  REQUIRE(outcome.initiator_error.has_value());
  CHECK(outcome.initiator_error->code == core::errc::permission);
  CHECK(mentions(*outcome.initiator_error, people.rogue_dock.public_key().fingerprint().to_hex()));
  CHECK(mentions(*outcome.initiator_error, "not an agency dock"));
  CHECK(outcome.messages.size() == 2);  // message 3, with the camera's identity, was never written
  CHECK(camera.has_failed());
  CHECK_FALSE(camera.write_message().has_value());
  CHECK_FALSE(rogue.peer_key().has_value());
}

TEST_CASE("unknown_camera: a dock refuses a camera that is not enrolled, naming its key fingerprint") {
  cast people;
  system_random_source random;
  auto stranger = start_handshake(role::initiator, people.unknown_camera, people.agency_docks, random);
  auto dock = start_handshake(role::responder, people.dock, people.enrolled_cameras, random);
  const auto outcome = run_handshake(stranger, dock);
  REQUIRE(outcome.responder_error.has_value());
  CHECK(outcome.responder_error->code == core::errc::permission);
  CHECK(mentions(*outcome.responder_error, people.unknown_camera.public_key().fingerprint().to_hex()));
  CHECK(mentions(*outcome.responder_error, "not an enrolled camera"));
  CHECK_FALSE(dock.finish().has_value());
}

TEST_CASE("stolen_identity_claim: a peer naming an enrolled camera's key without holding it is refused") {
  // The attacker runs Noise correctly with its own static key but puts the enrolled camera's Ed25519 public
  // key in the identity payload.
  cast people;
  system_random_source random;
  auto attacker = handshake_state::create(
      pattern_xx, role::initiator,
      core::byte_view(reinterpret_cast<const std::uint8_t*>(link_prologue.data()), link_prologue.size()),
      &people.unknown_camera.noise_key(), random);
  REQUIRE(attacker.has_value());
  auto dock = start_handshake(role::responder, people.dock, people.enrolled_cameras, random);
  auto m1 = attacker->write_message({});
  REQUIRE(m1.has_value());
  REQUIRE(dock.read_message(*m1).has_value());
  auto m2 = dock.write_message();
  REQUIRE(m2.has_value());
  REQUIRE(attacker->read_message(*m2).has_value());
  auto m3 = attacker->write_message(people.camera.public_key().bytes);
  REQUIRE(m3.has_value());
  auto refused = dock.read_message(*m3);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::permission);
  CHECK(mentions(refused.error(), "its handshake static key is a different key"));
  CHECK_FALSE(dock.peer_key().has_value());
}

TEST_CASE("flip_bit_in_handshake_message: every byte of every handshake message is protected") {
  cast people;
  for (std::size_t message = 0; message < 3; ++message) {
    const std::size_t size = message == 0 ? 32 : message == 1 ? 128 : 96;
    for (std::size_t position = 0; position < size; ++position) {
      INFO("message " << message + 1 << " byte " << position);
      fresh_pair pair(people);
      const auto outcome = run_handshake(pair.camera, pair.dock, [&](std::size_t index, core::byte_buffer& bytes) {
        if (index == message) bytes[position] ^= static_cast<std::uint8_t>(1u << (position % 8));
      });
      // Some reader fails: the one of the flipped message, or (message 1 only: its e is not authenticated
      // until the responder's reply) the initiator reading message 2.
      const auto& error = outcome.initiator_error ? outcome.initiator_error : outcome.responder_error;
      REQUIRE(error.has_value());
      CHECK((error->code == core::errc::bad_signature || error->code == core::errc::malformed));
      CHECK_FALSE((outcome.initiator_channel.has_value() && outcome.responder_channel.has_value()));
      if (message == 2) CHECK(outcome.responder_error.has_value());
      if (message < 2) CHECK(outcome.initiator_error.has_value());
    }
  }
}

TEST_CASE("flip_bit_in_transport_message: any change is refused and closes the channel") {
  cast people;
  const auto original = frame::make_data(bytes_of("segment 000123.mp4 part 7"));
  fixed_pair reference;
  auto reference_outcome = run_handshake(reference.camera, reference.dock);
  REQUIRE(reference_outcome.initiator_channel.has_value());
  const auto wire = reference_outcome.initiator_channel->seal(original);
  REQUIRE(wire.has_value());
  const auto message = strip_prefix(*wire);

  for (std::size_t position = 0; position < message.size(); ++position) {
    INFO("byte " << position);
    fixed_pair pair;  // same keys: the untampered message would open
    auto outcome = run_handshake(pair.camera, pair.dock);
    REQUIRE(outcome.responder_channel.has_value());
    auto& dock = *outcome.responder_channel;
    auto tampered = message;
    tampered[position] ^= static_cast<std::uint8_t>(1u << (position % 8));
    auto refused = dock.open(tampered);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == core::errc::bad_signature);
    CHECK(mentions(refused.error(), "transport message 1 from the initiator"));
    CHECK(dock.is_closed());
    // No retry on the same keys: even the genuine message is refused now.
    auto after = dock.open(message);
    REQUIRE_FALSE(after.has_value());
    CHECK(after.error().code == core::errc::closed);
    CHECK_FALSE(dock.seal(frame::make_data(bytes_of("x"))).has_value());
  }
  // And the genuine message does open on a fresh pair with the same keys.
  fixed_pair control;
  auto outcome = run_handshake(control.camera, control.dock);
  REQUIRE(outcome.responder_channel.has_value());
  CHECK(outcome.responder_channel->open(message).value() == original);
}

TEST_CASE("replay_old_session: an old session's initiator messages fail against a fresh responder") {
  cast people;
  fresh_pair old_session(people);
  auto recorded = run_handshake(old_session.camera, old_session.dock);
  REQUIRE(recorded.initiator_channel.has_value());
  const auto old_transport = recorded.initiator_channel->seal(frame::make_data(bytes_of("receipt please")));
  REQUIRE(old_transport.has_value());

  system_random_source random;
  auto dock = start_handshake(role::responder, people.dock, people.enrolled_cameras, random);
  REQUIRE(dock.read_message(recorded.messages[0]).has_value());  // message 1 is just an ephemeral key
  auto reply = dock.write_message();                             // a fresh ephemeral: new keys
  REQUIRE(reply.has_value());
  CHECK(*reply != recorded.messages[1]);
  auto replayed = dock.read_message(recorded.messages[2]);
  REQUIRE_FALSE(replayed.has_value());
  CHECK(replayed.error().code == core::errc::bad_signature);
  CHECK_FALSE(dock.peer_key().has_value());
  CHECK_FALSE(dock.finish().has_value());

  // An old transport message means nothing in a new session either.
  fresh_pair new_session(people);
  auto outcome = run_handshake(new_session.camera, new_session.dock);
  REQUIRE(outcome.responder_channel.has_value());
  auto refused = outcome.responder_channel->open(strip_prefix(*old_transport));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::bad_signature);
}

TEST_CASE("replay_within_session and reordering: each transport message opens once, in order") {
  fixed_pair pair;
  auto outcome = run_handshake(pair.camera, pair.dock);
  REQUIRE(outcome.initiator_channel.has_value());
  auto& camera = *outcome.initiator_channel;
  const auto first = camera.seal(frame::make_data(bytes_of("first")));
  const auto second = camera.seal(frame::make_data(bytes_of("second")));
  REQUIRE(first.has_value());
  REQUIRE(second.has_value());

  SECTION("the same message twice") {
    auto& dock = *outcome.responder_channel;
    REQUIRE(dock.open(strip_prefix(*first)).has_value());
    auto replay = dock.open(strip_prefix(*first));
    REQUIRE_FALSE(replay.has_value());
    CHECK(replay.error().code == core::errc::bad_signature);
    CHECK(mentions(replay.error(), "transport message 2"));
    CHECK(dock.is_closed());
  }
  SECTION("the second message first") {
    auto& dock = *outcome.responder_channel;
    auto early = dock.open(strip_prefix(*second));
    REQUIRE_FALSE(early.has_value());
    CHECK(early.error().code == core::errc::bad_signature);
    CHECK(dock.is_closed());
  }
  SECTION("a message reflected back to its sender") {
    auto reflected = camera.open(strip_prefix(*first));
    REQUIRE_FALSE(reflected.has_value());
    CHECK(reflected.error().code == core::errc::bad_signature);
  }
}

TEST_CASE("the handshake refuses messages of the wrong size before any cryptography") {
  fixed_pair pair;
  auto m1 = pair.camera.write_message();
  REQUIRE(m1.has_value());
  auto longer = *m1;
  longer.push_back(0);
  auto refused = pair.dock.read_message(longer);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == core::errc::malformed);
  CHECK(mentions(refused.error(), "33 bytes, expected 32"));
  CHECK(pair.dock.has_failed());
}
