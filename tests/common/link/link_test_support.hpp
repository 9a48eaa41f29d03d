// Helpers shared by the link tests: fixed identities from seeds, a random source with fixed output, hex
// conversion that fails the test on bad input, and a pure driver that runs a link handshake between two
// in-memory peers with an optional tamper hook.
#pragma once

#include "common/core/hex.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/link/link_handshake.hpp"
#include "common/link/link_identity.hpp"
#include "common/link/random_source.hpp"
#include "common/link/trust_set.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace bodycam::common::link::testing {

namespace core = common::core;
namespace crypto = common::crypto;

inline core::byte_buffer from_hex(std::string_view hex) {
  auto bytes = core::parse_hex(hex, hex.size() / 2, "test vector");
  REQUIRE(bytes.has_value());
  return *bytes;
}

inline core::byte_buffer bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

// Hands out queued byte strings in order; when the queue is empty, fails the test (a handshake asked for more
// randomness than the test planned for).
class fixed_random_source final : public random_source {
 public:
  explicit fixed_random_source(std::vector<core::byte_buffer> blocks) : blocks_(blocks.begin(), blocks.end()) {}
  void fill(std::span<std::uint8_t> out) override {
    REQUIRE_FALSE(blocks_.empty());
    REQUIRE(blocks_.front().size() == out.size());
    std::copy(blocks_.front().begin(), blocks_.front().end(), out.begin());
    blocks_.pop_front();
  }

 private:
  std::deque<core::byte_buffer> blocks_;
};

inline crypto::secret_key key_from_seed(std::uint8_t fill) {
  const std::vector<std::uint8_t> seed(crypto::secret_key::seed_size, fill);
  auto key = crypto::secret_key::from_seed(seed);
  REQUIRE(key.has_value());
  return std::move(*key);
}

inline link_identity identity_from_seed(std::uint8_t fill) {
  auto identity = link_identity::from_secret_key(key_from_seed(fill));
  REQUIRE(identity.has_value());
  return std::move(*identity);
}

inline trust_set trusting(std::string description, std::initializer_list<const link_identity*> members) {
  trust_set set(std::move(description));
  for (const auto* member : members) REQUIRE(set.add(member->public_key()).has_value());
  return set;
}

// The cast of the link tests: an enrolled camera, the agency's dock, and outsiders.
struct cast {
  link_identity camera = identity_from_seed(0x11);
  link_identity dock = identity_from_seed(0x22);
  link_identity rogue_dock = identity_from_seed(0x33);
  link_identity unknown_camera = identity_from_seed(0x44);
  trust_set agency_docks = trusting("an agency dock", {&dock});
  trust_set enrolled_cameras = trusting("an enrolled camera", {&camera});
};

struct handshake_outcome {
  std::optional<core::error> initiator_error;
  std::optional<core::error> responder_error;
  std::optional<secure_channel> initiator_channel;
  std::optional<secure_channel> responder_channel;
  std::vector<core::byte_buffer> messages;  // as sent, before tampering
};

using tamper_hook = std::function<void(std::size_t message_index, core::byte_buffer& message)>;

// Runs initiator and responder to completion or the first failure, passing every message through `tamper`.
inline handshake_outcome run_handshake(link_handshake& initiator, link_handshake& responder,
                                       const tamper_hook& tamper = {}) {
  handshake_outcome out;
  for (std::size_t index = 0; index < 3; ++index) {
    const bool from_initiator = index % 2 == 0;
    link_handshake& writer = from_initiator ? initiator : responder;
    link_handshake& reader = from_initiator ? responder : initiator;
    auto message = writer.write_message();
    if (!message) {
      (from_initiator ? out.initiator_error : out.responder_error) = message.error();
      return out;
    }
    out.messages.push_back(*message);
    if (tamper) tamper(index, *message);
    if (auto read = reader.read_message(*message); !read) {
      (from_initiator ? out.responder_error : out.initiator_error) = read.error();
      return out;
    }
  }
  auto ic = initiator.finish();
  if (ic)
    out.initiator_channel.emplace(std::move(*ic));
  else
    out.initiator_error = ic.error();
  auto rc = responder.finish();
  if (rc)
    out.responder_channel.emplace(std::move(*rc));
  else
    out.responder_error = rc.error();
  return out;
}

inline link_handshake start_handshake(role r, const link_identity& own, const trust_set& peers, random_source& random) {
  auto hs = link_handshake::start(r, own, peers, random);
  REQUIRE(hs.has_value());
  return std::move(*hs);
}

// The Noise message inside the wire bytes seal() produced (drops the 2-byte length prefix).
inline core::byte_buffer strip_prefix(const core::byte_buffer& wire) {
  REQUIRE(wire.size() > 2);
  return {wire.begin() + 2, wire.end()};
}

}  // namespace bodycam::common::link::testing
