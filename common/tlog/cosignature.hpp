// C2SP tlog-cosignature v1 (https://c2sp.org/tlog-cosignature): a witness's timestamped statement that it has
// seen a checkpoint and that it is consistent with every earlier checkpoint it cosigned for that log.
//   signed message = "cosignature/v1\ntime <unix seconds, decimal>\n" || checkpoint text
//   note signature = key id(4) || timestamp (8, big-endian seconds) || Ed25519 signature(64)
// with key id = compute_key_id(name, key_type::cosignature_v1, key). Guarantees: verification recomputes the
// message from the checkpoint text and the timestamp inside the signature, so neither can be swapped.
#pragma once

#include "common/tlog/note.hpp"

namespace bodycam::common::tlog {

inline constexpr std::size_t cosignature_size = 8 + crypto::signature::size;

[[nodiscard]] std::string cosignature_message(std::string_view checkpoint_text, std::chrono::sys_seconds time);

// The signature line ("— <name> <base64>\n") to append to the checkpoint's note.
[[nodiscard]] core::expected<std::string> cosign_checkpoint(std::string_view checkpoint_text, std::string_view name,
                                                            crypto::signer& signer, std::chrono::sys_seconds time);

// `signature` is what follows the key id; returns the cosignature's time. Errors: malformed (size),
// bad_signature.
[[nodiscard]] core::expected<std::chrono::sys_seconds> verify_cosignature(std::string_view checkpoint_text,
                                                                          const crypto::public_key& key,
                                                                          core::byte_view signature);

}  // namespace bodycam::common::tlog
