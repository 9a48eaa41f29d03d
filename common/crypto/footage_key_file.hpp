// The agency footage key on disk (docs/formats/encrypted-footage.md §6). The secret file holds the X25519
// secret sealed with a passphrase (argon2id13 crypto_pwhash with its salt and limits stored, then
// crypto_secretbox); the public file is one text line cameras are configured with:
//   "bodycam-footage-public-key-v1 <label> <64 hex digits>\n"
// Invariants:
//  1. open_footage_secret_key returns a key only if the passphrase opens the box and the key inside derives the
//     public key written in the clear beside it; a wrong passphrase and any altered byte are both refused
//     with errc::permission (the message cannot tell them apart).
//  2. Limits are range-checked before any derivation (a crafted file cannot ask for unbounded memory).
//  3. The passphrase-derived key and the decrypted secret live only in guarded memory.
//  4. load_sealed_footage_key refuses a file group or others may read (errc::permission, with the chmod).
#pragma once

#include "common/crypto/footage_key.hpp"

#include <filesystem>
#include <string>

namespace bodycam::common::crypto {

inline constexpr std::string_view footage_secret_magic{"bodycam-footage-key-v1\n", 23};
inline constexpr std::string_view footage_public_magic = "bodycam-footage-public-key-v1";
inline constexpr std::uint8_t footage_key_algorithm = 1;  // argon2id13 + xsalsa20poly1305
inline constexpr std::size_t max_footage_key_file_bytes = 512;

struct kdf_limits {
  std::uint64_t ops = 0;
  std::uint64_t mem_bytes = 0;
};
// crypto_pwhash_OPSLIMIT_MODERATE / MEMLIMIT_MODERATE: what `bodycam agency footage-key new` uses.
[[nodiscard]] kdf_limits moderate_kdf_limits() noexcept;
// The smallest limits libsodium accepts: for tests only, never for a real key.
[[nodiscard]] kdf_limits minimum_kdf_limits() noexcept;
// ops 1..16, memory 8 KiB .. 4 GiB in whole KiB.
[[nodiscard]] bool kdf_limits_in_range(const kdf_limits& limits) noexcept;

struct labelled_footage_public_key {
  std::string label;
  footage_public_key key;
};

struct labelled_footage_secret_key {
  std::string label;
  footage_secret_key key;
};

[[nodiscard]] core::expected<core::byte_buffer> seal_footage_secret_key(const footage_secret_key& key,
                                                                        std::string_view label,
                                                                        core::byte_view passphrase, kdf_limits limits,
                                                                        const random_fill& random);
// The public key written in the clear in a sealed file (no passphrase needed): for naming the key.
[[nodiscard]] core::expected<footage_public_key> sealed_footage_public_key(core::byte_view file);
[[nodiscard]] core::expected<labelled_footage_secret_key> open_footage_secret_key(core::byte_view file,
                                                                                  core::byte_view passphrase);

// Durable, create-only, mode 0600.
[[nodiscard]] core::status write_sealed_footage_key(const std::filesystem::path& path, core::byte_view sealed);
[[nodiscard]] core::expected<core::byte_buffer> load_sealed_footage_key(const std::filesystem::path& path);

[[nodiscard]] std::string format_footage_public_key(const labelled_footage_public_key& key);
[[nodiscard]] core::expected<labelled_footage_public_key> parse_footage_public_key(std::string_view line,
                                                                                   std::string_view origin);
// Durable, create-only, mode 0644.
[[nodiscard]] core::status write_footage_public_key(const std::filesystem::path& path,
                                                    const labelled_footage_public_key& key);
[[nodiscard]] core::expected<labelled_footage_public_key> load_footage_public_key(const std::filesystem::path& path);

}  // namespace bodycam::common::crypto
