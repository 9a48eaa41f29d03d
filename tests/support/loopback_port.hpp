// A TCP port on 127.0.0.1 that nothing listened on a moment ago: for tests that need a refused connection or a
// port to hand a server they start. Bound to port 0, read back, closed; another process may take it in between,
// which the tests that use it tolerate (they start their server right away, or want a refusal).
#pragma once

#include <cstdint>

namespace bodycam::tests {

// Throws std::runtime_error naming the call that failed.
[[nodiscard]] std::uint16_t free_loopback_port();

// A TCP port on 127.0.0.1 for a daemon a test writes into a config file before it starts it (a camera's offload
// port): port `index` (0-15) of a block of 16 that this process takes at its first call, the first block from
// one its process id points to in which no port was listened on or bound at that moment. Every block lies in
// 10000-19999: below the kernel's ephemeral ports (32768 and up by default), which outgoing connections draw
// from, so a dock's connection to a store cannot take the port before the daemon binds it (seen once: the
// drill's recorder found its port in use), and below the ports scripts/ceph-dev picks (20000 up).
// Throws std::runtime_error for an index out of range or when no block is free.
[[nodiscard]] std::uint16_t daemon_loopback_port(unsigned index);

}  // namespace bodycam::tests
