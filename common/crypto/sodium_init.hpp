// libsodium must be initialised once before use; every crypto entry point calls this (thread-safe, idempotent).
#pragma once

namespace bodycam::common::crypto {
void ensure_sodium_initialized() noexcept;
}
