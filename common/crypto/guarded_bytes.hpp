// A fixed-size secret byte string (a file key, an X25519 secret, a derived key, a decrypted key file) in
// sodium_malloc'ed memory: guard pages around it, never swapped where mlock is allowed, and wiped by
// sodium_free when released. Move-only, so a secret has exactly one owner.
#pragma once

#include "common/core/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace bodycam::common::crypto {

class guarded_bytes {
 public:
  // Holds nothing (is_allocated() is false).
  guarded_bytes() noexcept = default;
  // Allocates `size` zeroed bytes; is_allocated() is false if the allocation failed.
  explicit guarded_bytes(std::size_t size);
  guarded_bytes(guarded_bytes&& other) noexcept;
  guarded_bytes& operator=(guarded_bytes&& other) noexcept;
  guarded_bytes(const guarded_bytes&) = delete;
  guarded_bytes& operator=(const guarded_bytes&) = delete;
  ~guarded_bytes();

  [[nodiscard]] bool is_allocated() const noexcept { return data_ != nullptr; }
  [[nodiscard]] std::uint8_t* data() noexcept { return data_; }
  [[nodiscard]] const std::uint8_t* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] core::byte_view view() const noexcept { return core::byte_view(data_, size_); }
  [[nodiscard]] std::span<std::uint8_t> span() noexcept { return std::span<std::uint8_t>(data_, size_); }

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// guarded_bytes of `size`, or an error naming `what` when guarded memory cannot be had.
[[nodiscard]] core::expected<guarded_bytes> allocate_guarded(std::size_t size, std::string_view what);

}  // namespace bodycam::common::crypto
