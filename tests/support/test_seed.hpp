// The seed of a randomised test: BODYCAM_TEST_SEED from the environment when set (to replay a failed run),
// otherwise a fresh one from std::random_device. The seed is printed on stdout before the test uses it, with
// the command line that replays it, so a run that crashes or is killed still leaves it in the ctest log.
#pragma once

#include <cstdint>
#include <string_view>

namespace bodycam::tests {

// `test_name` only labels the printed line. Throws std::invalid_argument if BODYCAM_TEST_SEED is set but is
// not a decimal number that fits in 32 bits (a typo must not silently become another random run).
[[nodiscard]] std::uint32_t test_seed(std::string_view test_name);

}  // namespace bodycam::tests
