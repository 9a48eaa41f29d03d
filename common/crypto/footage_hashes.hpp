// The two digests a footage file's record carries, computed while the file is written (one pass over bytes
// already in memory, never a read-back): SHA-256 of every ciphertext byte of the file as stored — what the
// dock and the store verify and address it by without a key — and SHA-256 of the plaintext fragments in order
// — what a decrypted court copy is checked against. Counts go with them so a record states the sizes too.
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/sha256.hpp"

#include <cstdint>

namespace bodycam::common::crypto {

struct footage_digests {
  sha256_digest ciphertext_sha256;
  sha256_digest plaintext_sha256;
  std::uint64_t ciphertext_bytes = 0;
  std::uint64_t plaintext_bytes = 0;
  std::uint64_t fragment_count = 0;
};

class footage_hashes {
 public:
  void add_ciphertext(core::byte_view bytes) noexcept {
    ciphertext_.update(bytes);
    ciphertext_bytes_ += bytes.size();
  }
  void add_fragment_plaintext(core::byte_view bytes) noexcept {
    plaintext_.update(bytes);
    plaintext_bytes_ += bytes.size();
    ++fragment_count_;
  }
  // Ends both streams; the object is reset and may be reused.
  [[nodiscard]] footage_digests finish() noexcept {
    footage_digests out{ciphertext_.finish(), plaintext_.finish(), ciphertext_bytes_, plaintext_bytes_,
                        fragment_count_};
    ciphertext_bytes_ = plaintext_bytes_ = fragment_count_ = 0;
    return out;
  }

 private:
  sha256_hasher ciphertext_;
  sha256_hasher plaintext_;
  std::uint64_t ciphertext_bytes_ = 0;
  std::uint64_t plaintext_bytes_ = 0;
  std::uint64_t fragment_count_ = 0;
};

}  // namespace bodycam::common::crypto
