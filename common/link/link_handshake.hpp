// The link's handshake, pure: Noise_XX_25519_ChaChaPoly_SHA256 with prologue "bodycam-link-v1", each side's
// Ed25519 public key as the payload of the message that carries its static key, and the trust decision.
//
//   1  initiator -> responder   e                           payload: empty          32 bytes
//   2  responder -> initiator   e, ee, s, es                payload: responder's Ed25519 public key   128 bytes
//   3  initiator -> responder   s, se                       payload: initiator's Ed25519 public key    96 bytes
//
// On reading message 2 (initiator) or 3 (responder) the reader checks, in this order:
//   a. the message has its exact size (32 / 128 / 96 bytes);
//   b. Noise accepts it (every tag verifies; no low-order DH input);
//   c. the Ed25519 key in the payload converts to exactly the static key Noise authenticated (constant time);
//   d. that Ed25519 key is in the trust set (constant-time lookup).
// A failure at any step fails the handshake for good; d names the peer's key fingerprint (SHA-256 of the
// Ed25519 public key, hex) so that the caller's log says who was refused.
// The initiator decides on the responder before sending message 3, so a dock that is not the agency's never
// learns which camera connected to it.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/link/handshake_state.hpp"
#include "common/link/link_identity.hpp"
#include "common/link/random_source.hpp"
#include "common/link/secure_channel.hpp"
#include "common/link/trust_set.hpp"

#include <optional>

namespace bodycam::common::link {

class link_handshake {
 public:
  // `own`, `peers` and `random` must outlive the handshake.
  [[nodiscard]] static common::core::expected<link_handshake> start(role own_role, const link_identity& own,
                                                                    const trust_set& peers, random_source& random);

  [[nodiscard]] bool is_my_turn() const noexcept { return noise_.is_my_turn(); }
  [[nodiscard]] bool is_complete() const noexcept { return noise_.is_complete(); }
  [[nodiscard]] bool has_failed() const noexcept { return noise_.has_failed() || failure_.has_value(); }
  // Exact size of the next message (to write or to read).
  [[nodiscard]] std::size_t next_message_size() const noexcept;

  [[nodiscard]] common::core::expected<common::core::byte_buffer> write_message();
  [[nodiscard]] common::core::status read_message(common::core::byte_view message);
  // Once complete: the transport channel. Call once.
  [[nodiscard]] common::core::expected<secure_channel> finish();

  // The peer's verified and trusted Ed25519 key, once its identity message was accepted.
  [[nodiscard]] const std::optional<common::crypto::public_key>& peer_key() const noexcept { return peer_; }
  [[nodiscard]] const link::handshake_hash& handshake_hash() const noexcept { return noise_.handshake_hash(); }

 private:
  link_handshake(handshake_state noise, const link_identity& own, const trust_set& peers) noexcept
      : noise_(std::move(noise)), own_(&own), peers_(&peers) {}

  [[nodiscard]] common::core::status accept_identity(common::core::byte_view payload);
  [[nodiscard]] std::unexpected<common::core::error> fail_with(common::core::error e);

  handshake_state noise_;
  const link_identity* own_;
  const trust_set* peers_;
  std::optional<common::crypto::public_key> peer_;
  std::optional<common::core::error> failure_;
};

}  // namespace bodycam::common::link
