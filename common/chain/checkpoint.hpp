// Checkpoints and witnesses (docs/formats/chain.md §5).
// A checkpoint is a device's signed statement "my chain has `count` records and the last one hashes to
// `head`". A dock witnesses it by signing the same facts with its own UTC; that witness is what lets a
// verifier detect records removed from the end of a chain (a device key alone cannot: whoever deletes the
// last records can also delete the device's latest checkpoint).
#pragma once

#include "common/record/record.hpp"

namespace bodycam::common::chain {

inline constexpr std::string_view checkpoint_magic = "BCCP";
inline constexpr std::string_view checkpoint_signature_domain{"bodycam-checkpoint-v1\0", 22};
inline constexpr std::string_view witness_signature_domain{"bodycam-witness-v1\0", 19};

struct checkpoint {
  record::device_id device;
  std::uint64_t count = 0;         // records seq 0 .. count-1
  crypto::sha256_digest head;      // hash of record count-1 (zero when count == 0)
  record::utc_time utc{};          // the device's claimed UTC when it made the checkpoint
};

struct signed_checkpoint {
  checkpoint body;
  crypto::signature sig;
  core::byte_buffer bytes;  // canonical || signature
};

[[nodiscard]] core::byte_buffer encode_checkpoint(const checkpoint& c);
[[nodiscard]] core::expected<signed_checkpoint> sign_checkpoint(const checkpoint& c, crypto::signer& signer);
[[nodiscard]] core::expected<signed_checkpoint> parse_signed_checkpoint(core::byte_view bytes);
[[nodiscard]] bool verify_checkpoint_signature(const signed_checkpoint& c, const crypto::public_key& key) noexcept;

// What a dock signs to witness a device's chain state at the dock's own UTC.
[[nodiscard]] core::byte_buffer witness_message(const record::device_id& device, std::uint64_t count,
                                                const crypto::sha256_digest& head, record::utc_time dock_utc);

}  // namespace bodycam::common::chain
