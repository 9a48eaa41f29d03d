// The one way the link obtains randomness (ephemeral X25519 keys). Production code uses the operating
// system's generator through libsodium; tests inject a source that returns fixed bytes so that handshakes
// are reproducible against published test vectors and an independent implementation.
#pragma once

#include <cstdint>
#include <span>

namespace bodycam::common::link {

class random_source {
 public:
  virtual ~random_source() = default;
  // Fills `out` completely. Never fails: a system without randomness stops at libsodium initialisation.
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

// randombytes_buf (getrandom(2) on Linux).
class system_random_source final : public random_source {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

}  // namespace bodycam::common::link
