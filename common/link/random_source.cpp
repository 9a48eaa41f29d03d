#include "common/link/random_source.hpp"

#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

namespace bodycam::common::link {

void system_random_source::fill(std::span<std::uint8_t> out) {
  common::crypto::ensure_sodium_initialized();
  randombytes_buf(out.data(), out.size());
}

}  // namespace bodycam::common::link
