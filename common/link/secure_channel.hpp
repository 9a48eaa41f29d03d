// The transport phase of a finished link handshake, pure: seals frames into wire bytes and opens received
// Noise transport messages into frames, with the two cipher states Split() gave this side.
// Invariants:
//  1. Each direction has its own key and nonce counter; a message is accepted only under the next nonce, so a
//     replayed, reordered, dropped or altered message fails authentication.
//  2. Any failure to open a message (bad tag, nonce exhausted, malformed frame) closes the channel for good:
//     later seal/open calls fail with `closed`. There is no retry on the same keys.
//  3. seal() refuses a frame the peer would refuse (payload over the limit) before using a nonce, and leaves
//     the channel open: the caller's mistake costs nothing.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"
#include "common/crypto/ed25519.hpp"
#include "common/link/cipher_state.hpp"
#include "common/link/frame.hpp"
#include "common/link/handshake_state.hpp"

#include <optional>
#include <string>

namespace bodycam::common::link {

class secure_channel {
 public:
  secure_channel(role own_role, cipher_state send, cipher_state receive, const link::handshake_hash& hash,
                 const common::crypto::public_key& peer) noexcept
      : role_(own_role), send_(std::move(send)), receive_(std::move(receive)), hash_(hash), peer_(peer) {}

  // The wire bytes of one transport message carrying `f` (length prefix included).
  [[nodiscard]] common::core::expected<common::core::byte_buffer> seal(const frame& f);
  // One received transport message (length prefix already removed by the wire decoder).
  [[nodiscard]] common::core::expected<frame> open(common::core::byte_view noise_message);

  // Marks the channel closed (after a close frame either way, or a transport error).
  void close(std::string reason);
  [[nodiscard]] bool is_closed() const noexcept { return closed_.has_value(); }

  [[nodiscard]] link::role own_role() const noexcept { return role_; }
  [[nodiscard]] const common::crypto::public_key& peer_key() const noexcept { return peer_; }
  // The Noise handshake hash, equal on both sides: a channel binding for the application.
  [[nodiscard]] const link::handshake_hash& handshake_hash() const noexcept { return hash_; }
  [[nodiscard]] std::uint64_t messages_sent() const noexcept { return send_.nonce(); }
  [[nodiscard]] std::uint64_t messages_received() const noexcept { return receive_.nonce(); }

 private:
  [[nodiscard]] std::unexpected<common::core::error> closed_error(std::string_view operation) const;

  role role_;
  cipher_state send_;
  cipher_state receive_;
  link::handshake_hash hash_;
  common::crypto::public_key peer_;
  std::optional<std::string> closed_;
};

}  // namespace bodycam::common::link
