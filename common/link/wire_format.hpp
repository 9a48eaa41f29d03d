// The numbers of the link's wire format in one place (README.md "Wire format" explains each):
// every Noise message travels as a 2-byte big-endian length followed by that many bytes; the handshake is
// Noise_XX_25519_ChaChaPoly_SHA256 with prologue "bodycam-link-v1"; after it, each transport message carries
// one frame (type byte + payload).
#pragma once

#include <cstddef>
#include <string_view>

namespace bodycam::common::link {

inline constexpr std::string_view link_prologue = "bodycam-link-v1";

inline constexpr std::size_t length_prefix_size = 2;
inline constexpr std::size_t max_noise_message = 65535;  // Noise revision 34 §3, and what a u16 can say
inline constexpr std::size_t transport_tag_size = 16;
inline constexpr std::size_t max_frame_plaintext = max_noise_message - transport_tag_size;  // 65519
inline constexpr std::size_t max_frame_payload = max_frame_plaintext - 1;                   // 65518

// The identity payload of handshake messages 2 and 3: the sender's Ed25519 public key.
inline constexpr std::size_t identity_payload_size = 32;
// Exact handshake message sizes of XX with the link's payloads (e = 32, encrypted s = 48, payload + tag).
inline constexpr std::size_t handshake_message_1_size = 32;                                    // e, empty payload
inline constexpr std::size_t handshake_message_2_size = 32 + 48 + identity_payload_size + 16;  // 128
inline constexpr std::size_t handshake_message_3_size = 48 + identity_payload_size + 16;       // 96
inline constexpr std::size_t max_handshake_message = handshake_message_2_size;

}  // namespace bodycam::common::link
