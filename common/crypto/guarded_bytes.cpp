#include "common/crypto/guarded_bytes.hpp"

#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

#include <cstring>
#include <string>
#include <utility>

namespace bodycam::common::crypto {

guarded_bytes::guarded_bytes(std::size_t size) {
  ensure_sodium_initialized();
  data_ = static_cast<std::uint8_t*>(sodium_malloc(size == 0 ? 1 : size));
  if (data_ != nullptr) {
    std::memset(data_, 0, size == 0 ? 1 : size);
    size_ = size;
  }
}

guarded_bytes::guarded_bytes(guarded_bytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

guarded_bytes& guarded_bytes::operator=(guarded_bytes&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

guarded_bytes::~guarded_bytes() {
  if (data_ != nullptr) sodium_free(data_);  // sodium_free wipes before releasing
}

core::expected<guarded_bytes> allocate_guarded(std::size_t size, std::string_view what) {
  guarded_bytes out(size);
  if (!out.is_allocated())
    return core::fail(core::errc::internal, "allocate guarded memory for " + std::string(what));
  return out;
}

}  // namespace bodycam::common::crypto
