// Fuzzes the link's Noise XX handshake (common/link/link_handshake): a camera (initiator) and a dock
// (responder) with fixed keys and a deterministic random source shake hands, and the input alters one of the
// three messages in flight: input[0] picks the message (0-2) and how (bit 2: append the mask bytes past the
// message's end, bit 3: cut the message to the mask's length); the remaining bytes are XORed onto it.
// Invariants checked: a handshake in which any byte of any message was changed, added or removed never
// completes on both sides, and a side whose write fails (a low-order key fails its DH) has failed for good; an unaltered one completes on both, with the same handshake hash and each side
// holding the other's Ed25519 key as its verified peer.
#include "common/crypto/ed25519.hpp"
#include "common/link/link_handshake.hpp"
#include "fuzz/fuzz_check.hpp"

#include <array>

namespace lnk = bodycam::common::link;  // not "link": unistd.h declares link()
namespace core = bodycam::common::core;
namespace crypto = bodycam::common::crypto;
using bodycam::fuzz::require;

namespace {

class counter_random final : public lnk::random_source {
 public:
  explicit counter_random(std::uint8_t start) noexcept : next_(start) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = next_++;
  }

 private:
  std::uint8_t next_;
};

[[nodiscard]] crypto::secret_key key_from(std::uint8_t n) {
  std::array<std::uint8_t, crypto::secret_key::seed_size> seed{};
  seed.fill(n);
  auto key = crypto::secret_key::from_seed(seed);
  require(key.has_value(), "link_handshake", "a fixed seed makes a key");
  return std::move(*key);
}

struct party {
  crypto::secret_key key;
  lnk::link_identity identity;
  lnk::trust_set peers;
};

[[nodiscard]] party make_party(std::uint8_t seed, const crypto::public_key& peer, const char* description) {
  auto key = key_from(seed);
  auto identity = lnk::link_identity::from_secret_key(key);
  require(identity.has_value(), "link_handshake", "a fixed key makes a link identity");
  lnk::trust_set peers(description);
  require(peers.add(peer).has_value(), "link_handshake", "the peer's key joins the trust set");
  return {std::move(key), std::move(*identity), std::move(peers)};
}

// Alters `message` as the input says; returns whether the bytes differ from the original.
bool alter(core::byte_buffer& message, std::uint8_t how, core::byte_view mask) {
  const core::byte_buffer original = message;
  if ((how & 8) != 0 && mask.size() < message.size()) message.resize(mask.size());
  for (std::size_t i = 0; i < mask.size() && i < message.size(); ++i) message[i] ^= mask[i];
  if ((how & 4) != 0 && mask.size() > original.size())
    message.insert(message.end(), mask.begin() + static_cast<std::ptrdiff_t>(original.size()), mask.end());
  return message != original;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = bodycam::fuzz::as_bytes(data, size);
  if (input.empty()) return 0;
  const std::uint8_t how = input[0];
  const int altered_message = how % 3;
  const auto mask = input.subspan(1);

  const auto camera_key = key_from(1).public_key();
  const auto dock_key = key_from(2).public_key();
  party camera = make_party(1, dock_key, "an agency dock");
  party dock = make_party(2, camera_key, "an enrolled camera");
  counter_random camera_random(0x10);
  counter_random dock_random(0x80);
  auto initiator = lnk::link_handshake::start(lnk::role::initiator, camera.identity, camera.peers, camera_random);
  auto responder = lnk::link_handshake::start(lnk::role::responder, dock.identity, dock.peers, dock_random);
  require(initiator.has_value() && responder.has_value(), "link_handshake", "both sides start");

  bool changed = false;
  lnk::link_handshake* sides[2] = {&*initiator, &*responder};
  for (int m = 0; m < 3; ++m) {
    auto& writer = *sides[m % 2];
    auto& reader = *sides[(m + 1) % 2];
    if (writer.has_failed() || reader.has_failed()) break;
    auto message = writer.write_message();
    if (!message) {
      // Legitimate only as the refusal of an altered message (e.g. a low-order ephemeral key in message 1
      // fails the writer's DH), and it fails that side for good.
      require(changed && writer.has_failed(), "link_handshake", "a write fails only after an altered message, for good");
      break;
    }
    if (m == altered_message) changed = alter(*message, how, mask);
    if (!reader.read_message(*message)) break;
  }
  const bool both_complete = initiator->is_complete() && responder->is_complete();
  if (changed) {
    require(!both_complete, "link_handshake", "an altered handshake never completes on both sides");
  } else {
    require(both_complete, "link_handshake", "an unaltered handshake completes");
    require(initiator->handshake_hash() == responder->handshake_hash(), "link_handshake", "both sides agree on the hash");
    require(initiator->peer_key() == dock_key && responder->peer_key() == camera_key, "link_handshake",
            "each side holds the other's key");
  }
  return 0;
}
