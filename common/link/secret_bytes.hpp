// A fixed-size buffer for secret key material in libsodium's guarded memory (sodium_malloc: guard pages,
// mlock where allowed). Every Noise secret of the link lives in one: static and ephemeral X25519 keys, the
// chaining key, cipher keys and HKDF outputs.
// Invariants:
//  1. The bytes are zero when allocated and are wiped when released (sodium_free zeroes before unmapping).
//  2. The buffer is never copied implicitly; copies are explicit (`clone`) and land in guarded memory too.
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace bodycam::common::link {

class secret_bytes {
 public:
  [[nodiscard]] static common::core::expected<secret_bytes> allocate(std::size_t size);
  // A guarded copy of `bytes`.
  [[nodiscard]] static common::core::expected<secret_bytes> copy_of(common::core::byte_view bytes);

  [[nodiscard]] common::core::expected<secret_bytes> clone() const { return copy_of(view()); }

  [[nodiscard]] std::uint8_t* data() noexcept { return bytes_.get(); }
  [[nodiscard]] const std::uint8_t* data() const noexcept { return bytes_.get(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::span<std::uint8_t> span() noexcept { return {bytes_.get(), size_}; }
  [[nodiscard]] common::core::byte_view view() const noexcept { return {bytes_.get(), size_}; }
  // Overwrites the content with zeros (the buffer stays allocated).
  void wipe() noexcept;

 private:
  struct sodium_deleter {
    void operator()(std::uint8_t* p) const noexcept;
  };
  secret_bytes(std::uint8_t* bytes, std::size_t size) noexcept : bytes_(bytes), size_(size) {}

  std::unique_ptr<std::uint8_t, sodium_deleter> bytes_;
  std::size_t size_ = 0;
};

}  // namespace bodycam::common::link
