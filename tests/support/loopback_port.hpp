// A TCP port on 127.0.0.1 that nothing listened on a moment ago: for tests that need a refused connection or a
// port to hand a server they start. Bound to port 0, read back, closed; another process may take it in between,
// which the tests that use it tolerate (they start their server right away, or want a refusal).
#pragma once

#include <cstdint>

namespace bodycam::tests {

// Throws std::runtime_error naming the call that failed.
[[nodiscard]] std::uint16_t free_loopback_port();

}  // namespace bodycam::tests
