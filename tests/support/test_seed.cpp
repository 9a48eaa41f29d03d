// BODYCAM_TEST_SEED or a fresh random seed, printed before use (see test_seed.hpp).
#include "tests/support/test_seed.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

namespace bodycam::tests {

std::uint32_t test_seed(std::string_view test_name) {
  std::uint32_t seed = 0;
  const char* from_env = std::getenv("BODYCAM_TEST_SEED");
  if (from_env != nullptr && *from_env != '\0') {
    const std::string_view text(from_env);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
    if (ec != std::errc{} || end != text.data() + text.size())
      throw std::invalid_argument("parse BODYCAM_TEST_SEED '" + std::string(text) + "': not a 32-bit decimal number");
    std::printf("%.*s: seed %u (from BODYCAM_TEST_SEED)\n", static_cast<int>(test_name.size()), test_name.data(), seed);
  } else {
    seed = std::random_device{}();
    std::printf("%.*s: seed %u (replay with BODYCAM_TEST_SEED=%u)\n", static_cast<int>(test_name.size()),
                test_name.data(), seed, seed);
  }
  std::fflush(stdout);
  return seed;
}

}  // namespace bodycam::tests
