#include "common/link/link_handshake.hpp"

#include "common/link/wire_format.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace bodycam::common::link {

namespace core = common::core;
namespace crypto = common::crypto;

namespace {
constexpr std::array<std::size_t, 3> message_sizes{handshake_message_1_size, handshake_message_2_size,
                                                   handshake_message_3_size};
// XX: the responder's static key travels in message 2 (index 1), the initiator's in message 3 (index 2).
constexpr std::size_t identity_message_of(role sender) { return sender == role::responder ? 1 : 2; }
}  // namespace

core::expected<link_handshake> link_handshake::start(role own_role, const link_identity& own, const trust_set& peers,
                                                     random_source& random) {
  auto noise = handshake_state::create(
      pattern_xx, own_role,
      core::byte_view(reinterpret_cast<const std::uint8_t*>(link_prologue.data()), link_prologue.size()),
      &own.noise_key(), random);
  if (!noise) return std::unexpected(noise.error());
  return link_handshake(std::move(*noise), own, peers);
}

std::size_t link_handshake::next_message_size() const noexcept {
  const std::size_t index = noise_.next_message();
  return index < message_sizes.size() ? message_sizes[index] : 0;
}

std::unexpected<core::error> link_handshake::fail_with(core::error e) {
  if (!failure_) failure_ = e;
  return std::unexpected(std::move(e));
}

core::expected<core::byte_buffer> link_handshake::write_message() {
  if (failure_) return std::unexpected(core::error{failure_->code, "handshake failed earlier: " + failure_->context});
  const bool sends_identity = noise_.next_message() == identity_message_of(noise_.own_role());
  const core::byte_view payload = sends_identity ? core::byte_view(own_->public_key().bytes) : core::byte_view{};
  return noise_.write_message(payload);
}

core::status link_handshake::read_message(core::byte_view message) {
  if (failure_) return std::unexpected(core::error{failure_->code, "handshake failed earlier: " + failure_->context});
  const std::size_t index = noise_.next_message();
  const std::size_t expected_size = next_message_size();
  if (!noise_.is_my_turn() && !noise_.is_complete() && message.size() != expected_size)  // step a
    return fail_with({core::errc::malformed, "read handshake message " + std::to_string(index + 1) + ": " +
                                                 std::to_string(message.size()) + " bytes, expected " +
                                                 std::to_string(expected_size)});
  auto payload = noise_.read_message(message);  // step b (and turn checks)
  if (!payload) return std::unexpected(payload.error());
  const role peer_role = noise_.own_role() == role::initiator ? role::responder : role::initiator;
  if (index != identity_message_of(peer_role)) {
    if (!payload->empty())
      return fail_with({core::errc::malformed, "read handshake message " + std::to_string(index + 1) +
                                                   ": unexpected payload of " + std::to_string(payload->size()) +
                                                   " bytes"});
    return {};
  }
  return accept_identity(*payload);
}

core::status link_handshake::accept_identity(core::byte_view payload) {
  if (payload.size() != identity_payload_size || !noise_.remote_static())
    return fail_with({core::errc::malformed, "peer identity: payload of " + std::to_string(payload.size()) +
                                                 " bytes, expected a 32-byte Ed25519 public key"});
  crypto::public_key claimed;
  std::copy(payload.begin(), payload.end(), claimed.bytes.begin());
  const std::string fingerprint = claimed.fingerprint().to_hex();
  auto converted = noise_key_of(claimed);
  if (!converted) return fail_with({core::errc::malformed, "peer identity: " + converted.error().context});
  if (!crypto::equal_constant_time(*converted, *noise_.remote_static()))  // step c
    return fail_with({core::errc::permission, "refuse peer claiming Ed25519 key fingerprint " + fingerprint +
                                                  ": its handshake static key is a different key"});
  auto trusted = peers_->find(*noise_.remote_static());  // step d
  // Two Ed25519 keys share one X25519 key (sign bit); the claimed key must be the trusted one itself.
  if (!trusted || !crypto::equal_constant_time(trusted->bytes, claimed.bytes))
    return fail_with({core::errc::permission,
                      "refuse peer with Ed25519 key fingerprint " + fingerprint + ": not " + peers_->description()});
  peer_ = claimed;
  return {};
}

core::expected<secure_channel> link_handshake::finish() {
  if (failure_) return std::unexpected(core::error{failure_->code, "handshake failed earlier: " + failure_->context});
  if (!noise_.is_complete() || !peer_) return core::fail(core::errc::conflict, "finish handshake: not complete");
  auto keys = noise_.split();
  if (!keys) return std::unexpected(keys.error());
  const bool initiator = noise_.own_role() == role::initiator;
  return secure_channel(noise_.own_role(), std::move(initiator ? keys->c1 : keys->c2),
                        std::move(initiator ? keys->c2 : keys->c1), noise_.handshake_hash(), *peer_);
}

}  // namespace bodycam::common::link
