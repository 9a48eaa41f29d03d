#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace bodycam::common::crypto {

void ensure_sodium_initialized() noexcept {
  // A function-local static: initialised exactly once, thread-safe. sodium_init() fails only when the
  // system has no usable randomness source, in which case no key can be made safely: stop loudly.
  static const bool initialized = [] {
    if (sodium_init() < 0) {
      std::fputs("bodycam: libsodium failed to initialise (no randomness source)\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)initialized;
}

}  // namespace bodycam::common::crypto
