// Noise HandshakeState (revision 34, §5.3) for the suite 25519_ChaChaPoly_SHA256 and any pattern without
// pre-messages (handshake_pattern.hpp). Pure: no sockets, no clock; ephemeral keys come from the injected
// random_source, so a test can replay a published vector byte for byte.
//
// State diagram (one per handshake):
//   writing/reading message i ──(i = last, ok)──► complete ──split()──► split (keys handed out)
//          │ any error
//          ▼
//        failed   (every later call returns the first error; the handshake cannot be resumed)
//
// Invariants:
//  1. Messages alternate strictly: the initiator writes messages 0, 2, ...; the responder 1, 3, ... . A call
//     out of turn fails and fails the handshake.
//  2. A message is accepted only if it has exactly the length its tokens and payload use: every token's
//     bytes present, payload ciphertext at least a tag when a key is set, at most 65535 bytes in all.
//  3. Any failure (short message, bad tag, low-order key) is final (state `failed`): no retry on the same keys.
//  4. A fresh ephemeral key is generated for every handshake (token e) from the random source.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"
#include "common/link/handshake_pattern.hpp"
#include "common/link/random_source.hpp"
#include "common/link/symmetric_state.hpp"
#include "common/link/wire_format.hpp"
#include "common/link/x25519_keypair.hpp"

#include <optional>
#include <string>

namespace bodycam::common::link {

enum class role : std::uint8_t { initiator, responder };

[[nodiscard]] std::string_view to_string(role r) noexcept;

// "Noise_XX_25519_ChaChaPoly_SHA256" for pattern XX.
[[nodiscard]] std::string protocol_name(const handshake_pattern& pattern);

class handshake_state {
 public:
  // Initialize(): `static_key` is copied (guarded) and may be absent only for patterns without an s token for
  // this role. `random` must outlive the handshake state.
  [[nodiscard]] static common::core::expected<handshake_state> create(const handshake_pattern& pattern, role own_role,
                                                                      common::core::byte_view prologue,
                                                                      const x25519_keypair* static_key,
                                                                      random_source& random);

  // WriteMessage(payload): the message to send.
  [[nodiscard]] common::core::expected<common::core::byte_buffer> write_message(common::core::byte_view payload);
  // ReadMessage(message): the payload it carried.
  [[nodiscard]] common::core::expected<common::core::byte_buffer> read_message(common::core::byte_view message);
  // Split(), once the last message is written or read: {c1 (initiator → responder), c2 (responder → initiator)}.
  [[nodiscard]] common::core::expected<cipher_pair> split();

  [[nodiscard]] bool is_my_turn() const noexcept;
  [[nodiscard]] bool is_complete() const noexcept { return next_message_ == pattern_->messages.size(); }
  [[nodiscard]] bool has_failed() const noexcept { return failure_.has_value(); }
  // 0-based index of the next message to write or read.
  [[nodiscard]] std::size_t next_message() const noexcept { return next_message_; }
  [[nodiscard]] link::role own_role() const noexcept { return role_; }
  // The peer's static public key once a message carrying it has been read.
  [[nodiscard]] const std::optional<x25519_public_key>& remote_static() const noexcept { return rs_; }
  // h: after the last message, the handshake hash both sides share (channel binding).
  [[nodiscard]] const link::handshake_hash& handshake_hash() const noexcept { return symmetric_.handshake_hash(); }

 private:
  handshake_state(const handshake_pattern& pattern, role own_role, symmetric_state symmetric,
                  std::optional<x25519_keypair> static_key, random_source& random) noexcept
      : pattern_(&pattern),
        role_(own_role),
        symmetric_(std::move(symmetric)),
        s_(std::move(static_key)),
        random_(&random) {}

  [[nodiscard]] common::core::status mix_dh(token t);
  [[nodiscard]] common::core::status check_turn(bool writing);
  [[nodiscard]] std::unexpected<common::core::error> fail_with(const common::core::error& e);
  [[nodiscard]] std::string message_label(std::size_t index) const;

  const handshake_pattern* pattern_;
  role role_;
  symmetric_state symmetric_;
  std::optional<x25519_keypair> s_;  // own static
  std::optional<x25519_keypair> e_;  // own ephemeral
  std::optional<x25519_public_key> rs_;
  std::optional<x25519_public_key> re_;
  random_source* random_;
  std::size_t next_message_ = 0;
  bool split_done_ = false;
  std::optional<common::core::error> failure_;
};

}  // namespace bodycam::common::link
