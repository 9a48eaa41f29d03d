// The Noise handshake state against the published cacophony vector for Noise_XX_25519_ChaChaPoly_SHA256
// (both roles, every message byte for byte, the handshake hash, and the first transport messages), and its
// refusal of out-of-turn, short and tampered messages.
#include "common/link/handshake_state.hpp"
#include "link_test_support.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::common::link;
using namespace bodycam::common::link::testing;

namespace {
// cacophony test vectors (Noise_XX_25519_ChaChaPoly_SHA256), as shipped with several Noise implementations.
struct vector_message {
  const char* payload;
  const char* ciphertext;
};
constexpr const char* prologue_hex = "4a6f686e2047616c74";
constexpr const char* init_static_hex = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1";
constexpr const char* init_ephemeral_hex = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
constexpr const char* resp_static_hex = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893";
constexpr const char* resp_ephemeral_hex = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";
// Older copies of the cacophony file carry a different handshake_hash for this vector (e37b138e...), which no
// implementation reproduces; the value below is what dissononce computes for these inputs (checked by running
// it) and what the current cacophony vectors and other implementations' tests state.
constexpr const char* handshake_hash_hex = "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e";
const vector_message vector_messages[] = {
    {"4c756477696720766f6e204d69736573",
     "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"},
    {"4d757272617920526f746862617264",
     "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b68aaa3"
     "629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e83f23dbd8d162c"
     "9326ad"},
    {"462e20412e20486179656b",
     "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f58c9fea0d4ec"
     "82a286427402f113e4b6ae769a1d95941d49b25030"},
    {"4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"},
    {"4a65616e2d426170746973746520536179", "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"},
    {"457567656e2042f6686d20766f6e2042617765726b",
     "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"},
};

x25519_keypair keypair(const char* secret_hex) {
  auto kp = x25519_keypair::from_secret(from_hex(secret_hex));
  REQUIRE(kp.has_value());
  return std::move(*kp);
}

handshake_state make_state(role r, random_source& random, const x25519_keypair& s) {
  auto hs = handshake_state::create(pattern_xx, r, from_hex(prologue_hex), &s, random);
  REQUIRE(hs.has_value());
  return std::move(*hs);
}
}  // namespace

TEST_CASE("protocol name of the link") { CHECK(protocol_name(pattern_xx) == "Noise_XX_25519_ChaChaPoly_SHA256"); }

TEST_CASE("handshake_state reproduces the cacophony Noise_XX_25519_ChaChaPoly_SHA256 vector") {
  fixed_random_source initiator_random({from_hex(init_ephemeral_hex)});
  fixed_random_source responder_random({from_hex(resp_ephemeral_hex)});
  const auto initiator_static = keypair(init_static_hex);
  const auto responder_static = keypair(resp_static_hex);
  auto initiator = make_state(role::initiator, initiator_random, initiator_static);
  auto responder = make_state(role::responder, responder_random, responder_static);

  for (std::size_t i = 0; i < 3; ++i) {
    INFO("handshake message " << i + 1);
    handshake_state& writer = i % 2 == 0 ? initiator : responder;
    handshake_state& reader = i % 2 == 0 ? responder : initiator;
    REQUIRE(writer.is_my_turn());
    auto message = writer.write_message(from_hex(vector_messages[i].payload));
    REQUIRE(message.has_value());
    CHECK(core::to_hex(*message) == vector_messages[i].ciphertext);
    auto payload = reader.read_message(*message);
    REQUIRE(payload.has_value());
    CHECK(core::to_hex(*payload) == vector_messages[i].payload);
  }
  REQUIRE(initiator.is_complete());
  REQUIRE(responder.is_complete());
  CHECK(core::to_hex(initiator.handshake_hash()) == handshake_hash_hex);
  CHECK(core::to_hex(responder.handshake_hash()) == handshake_hash_hex);
  CHECK(initiator.remote_static() == responder_static.public_key());
  CHECK(responder.remote_static() == initiator_static.public_key());

  auto initiator_keys = initiator.split();
  auto responder_keys = responder.split();
  REQUIRE(initiator_keys.has_value());
  REQUIRE(responder_keys.has_value());
  // Transport messages keep alternating: responder (c2), initiator (c1), responder (c2).
  for (std::size_t i = 3; i < 6; ++i) {
    INFO("transport message " << i + 1);
    const bool from_initiator = i % 2 == 0;
    cipher_state& send = from_initiator ? initiator_keys->c1 : responder_keys->c2;
    cipher_state& receive = from_initiator ? responder_keys->c1 : initiator_keys->c2;
    auto sealed = send.encrypt_with_ad({}, from_hex(vector_messages[i].payload));
    REQUIRE(sealed.has_value());
    CHECK(core::to_hex(*sealed) == vector_messages[i].ciphertext);
    auto opened = receive.decrypt_with_ad({}, *sealed);
    REQUIRE(opened.has_value());
    CHECK(core::to_hex(*opened) == vector_messages[i].payload);
  }
  CHECK(initiator.split().error().code == core::errc::conflict);  // keys are handed out once
}

TEST_CASE("two peers with fixed keys derive identical split keys") {
  fixed_random_source initiator_random({from_hex(init_ephemeral_hex)});
  fixed_random_source responder_random({from_hex(resp_ephemeral_hex)});
  const auto initiator_static = keypair(init_static_hex);
  const auto responder_static = keypair(resp_static_hex);
  auto initiator = make_state(role::initiator, initiator_random, initiator_static);
  auto responder = make_state(role::responder, responder_random, responder_static);
  for (int i = 0; i < 3; ++i) {
    handshake_state& writer = i % 2 == 0 ? initiator : responder;
    handshake_state& reader = i % 2 == 0 ? responder : initiator;
    auto message = writer.write_message({});
    REQUIRE(message.has_value());
    REQUIRE(reader.read_message(*message).has_value());
  }
  auto a = initiator.split();
  auto b = responder.split();
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  // Same key and nonce give the same ciphertext: compare the keys without exposing them.
  const auto probe = bytes_of("key probe");
  CHECK(a->c1.encrypt_with_ad({}, probe).value() == b->c1.encrypt_with_ad({}, probe).value());
  CHECK(a->c2.encrypt_with_ad({}, probe).value() == b->c2.encrypt_with_ad({}, probe).value());
  CHECK(a->c1.encrypt_with_ad({}, probe).value() != a->c2.encrypt_with_ad({}, probe).value());
}

TEST_CASE("handshake_state refuses messages out of turn, and a failure is final") {
  fixed_random_source random({from_hex(init_ephemeral_hex)});
  const auto s = keypair(init_static_hex);
  auto responder = make_state(role::responder, random, s);
  CHECK_FALSE(responder.is_my_turn());
  CHECK(responder.write_message({}).error().code == core::errc::conflict);
  CHECK(responder.has_failed());
  // The first error is repeated; reading is no longer possible either.
  auto later = responder.read_message(core::byte_buffer(32, 9));
  REQUIRE_FALSE(later.has_value());
  CHECK(later.error().context.find("handshake failed earlier") != std::string::npos);
}

TEST_CASE("handshake_state refuses truncated messages, naming what is missing") {
  fixed_random_source initiator_random({from_hex(init_ephemeral_hex)});
  fixed_random_source responder_random({from_hex(resp_ephemeral_hex)});
  const auto initiator_static = keypair(init_static_hex);
  const auto responder_static = keypair(resp_static_hex);
  auto initiator = make_state(role::initiator, initiator_random, initiator_static);
  auto responder = make_state(role::responder, responder_random, responder_static);

  SECTION("message 1 shorter than an ephemeral key") {
    auto short_e = responder.read_message(core::byte_buffer(31, 1));
    REQUIRE_FALSE(short_e.has_value());
    CHECK(short_e.error().code == core::errc::malformed);
    CHECK(short_e.error().context.find("too short for the ephemeral key") != std::string::npos);
  }
  SECTION("message 2 cut inside the encrypted static key") {
    auto m1 = initiator.write_message({});
    REQUIRE(m1.has_value());
    REQUIRE(responder.read_message(*m1).has_value());
    auto m2 = responder.write_message({});
    REQUIRE(m2.has_value());
    auto cut = *m2;
    cut.resize(32 + 40);
    auto refused = initiator.read_message(cut);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == core::errc::malformed);
    CHECK(refused.error().context.find("handshake message 2") != std::string::npos);
    CHECK(refused.error().context.find("static key") != std::string::npos);
  }
  SECTION("message 2 without the payload's tag") {
    auto m1 = initiator.write_message({});
    REQUIRE(m1.has_value());
    REQUIRE(responder.read_message(*m1).has_value());
    auto m2 = responder.write_message({});
    REQUIRE(m2.has_value());
    auto cut = *m2;
    cut.resize(cut.size() - 1);
    auto refused = initiator.read_message(cut);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().context.find("tag") != std::string::npos);
  }
}

TEST_CASE("handshake_state refuses a low-order ephemeral key from the peer") {
  fixed_random_source responder_random({from_hex(resp_ephemeral_hex)});
  const auto responder_static = keypair(resp_static_hex);
  auto responder = make_state(role::responder, responder_random, responder_static);
  // Message 1 with e = the point of order 1 (u = 0) passes (e is only hashed), but the responder's ee DH on
  // it gives zero and is refused.
  REQUIRE(responder.read_message(core::byte_buffer(32, 0)).has_value());
  auto m2 = responder.write_message({});
  REQUIRE_FALSE(m2.has_value());
  CHECK(m2.error().code == core::errc::malformed);
  CHECK(m2.error().context.find("low-order") != std::string::npos);
}
