#include "common/link/secret_bytes.hpp"

#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

#include <algorithm>
#include <string>

namespace bodycam::common::link {

namespace core = common::core;

void secret_bytes::sodium_deleter::operator()(std::uint8_t* p) const noexcept { sodium_free(p); }

core::expected<secret_bytes> secret_bytes::allocate(std::size_t size) {
  common::crypto::ensure_sodium_initialized();
  // sodium_malloc(0) is legal but a zero-size secret is a caller bug.
  if (size == 0) return core::fail(core::errc::invalid_argument, "allocate guarded memory: size 0");
  auto* raw = static_cast<std::uint8_t*>(sodium_malloc(size));
  if (raw == nullptr)
    return core::fail(core::errc::internal,
                      "allocate " + std::to_string(size) + " bytes of guarded memory for a secret");
  sodium_memzero(raw, size);  // invariant 1: sodium_malloc fills with 0xdb, not zero
  return secret_bytes(raw, size);
}

core::expected<secret_bytes> secret_bytes::copy_of(core::byte_view bytes) {
  auto out = allocate(bytes.size());
  if (!out) return std::unexpected(out.error());
  std::copy(bytes.begin(), bytes.end(), out->data());
  return out;
}

void secret_bytes::wipe() noexcept {
  if (bytes_) sodium_memzero(bytes_.get(), size_);
}

}  // namespace bodycam::common::link
