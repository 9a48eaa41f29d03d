// The agency root's secret key at rest: an Ed25519 seed sealed with a passphrase (libsodium crypto_pwhash
// argon2id13 to derive a key, crypto_secretbox xsalsa20poly1305 to encrypt), in a small self-describing file
// whose byte layout is docs/formats/enrollment.md §2. Pure: bytes in, bytes out; the verb does the file I/O.
// Invariants:
//  1. open_sealed_key returns a key only if the passphrase derives the key that authenticates the sealed
//     bytes; a wrong passphrase and any altered byte (header, salt, nonce, ciphertext) are both refused with
//     errc::permission and no partial result; the message cannot tell them apart (that would leak).
//  2. The header's limits are range-checked before any derivation, so a crafted file cannot ask for
//     unbounded memory or time (errc::malformed naming the field).
//  3. The passphrase, the derived key and the plaintext live only in sodium_malloc'ed memory, wiped on release.
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/key_file.hpp"

#include <cstdint>
#include <string_view>

namespace bodycam::tools::enrollment {

namespace core = bodycam::common::core;
namespace crypto = bodycam::common::crypto;

inline constexpr std::string_view sealed_key_magic{"bodycam-sealed-key-v1\n", 22};
inline constexpr std::uint8_t sealed_key_algorithm = 1;  // argon2id13 + xsalsa20poly1305
inline constexpr std::size_t sealed_key_salt_size = 16;
inline constexpr std::size_t sealed_key_nonce_size = 24;
inline constexpr std::size_t max_sealed_key_bytes = 512;

struct pwhash_limits {
  std::uint64_t ops = 0;
  std::uint64_t mem_bytes = 0;
};
// crypto_pwhash_OPSLIMIT_MODERATE / MEMLIMIT_MODERATE: what `bodycam agency init` uses.
[[nodiscard]] pwhash_limits moderate_limits() noexcept;
// The smallest limits libsodium accepts: for tests only, never for a real key.
[[nodiscard]] pwhash_limits minimum_limits() noexcept;
// The accepted range (invariant 2): ops 1..16 (argon2id needs >= 1) and memory 8 KiB .. 4 GiB in whole KiB.
[[nodiscard]] bool limits_in_range(const pwhash_limits& limits) noexcept;

// A secret byte string (a passphrase) in guarded memory.
class secret_bytes {
 public:
  explicit secret_bytes(std::size_t capacity);
  secret_bytes(secret_bytes&& other) noexcept;
  secret_bytes& operator=(secret_bytes&&) = delete;
  secret_bytes(const secret_bytes&) = delete;
  secret_bytes& operator=(const secret_bytes&) = delete;
  ~secret_bytes();

  [[nodiscard]] bool is_allocated() const noexcept { return data_ != nullptr; }
  [[nodiscard]] std::uint8_t* data() noexcept { return data_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  void resize(std::size_t n) noexcept { size_ = n <= capacity_ ? n : capacity_; }
  [[nodiscard]] core::byte_view view() const noexcept { return core::byte_view(data_, size_); }

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

struct sealed_key_header {
  std::uint8_t algorithm = sealed_key_algorithm;
  pwhash_limits limits;
  std::array<std::uint8_t, sealed_key_salt_size> salt{};
  std::array<std::uint8_t, sealed_key_nonce_size> nonce{};
};

// Seals `key` (labelled `label`) with a fresh random salt and nonce. An empty passphrase is refused.
[[nodiscard]] core::expected<core::byte_buffer> seal_secret_key(const crypto::secret_key& key, std::string_view label,
                                                                core::byte_view passphrase, pwhash_limits limits);
// Reads only the header (no derivation): for showing the limits, and for tests.
[[nodiscard]] core::expected<sealed_key_header> parse_sealed_key_header(core::byte_view file);
[[nodiscard]] core::expected<crypto::labelled_secret_key> open_sealed_key(core::byte_view file,
                                                                          core::byte_view passphrase);

}  // namespace bodycam::tools::enrollment
