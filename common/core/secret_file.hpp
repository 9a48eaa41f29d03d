// The one gate every secret file passes before its bytes are read: device, dock, witness and clerk keys, the
// sealed footage secret, the console's cookie and TLS keys, S3 credentials, passphrase files and accounts.
// Guarantees: open_secret_file returns a descriptor only for a regular file (a symlink is refused, not
// followed) that neither group nor others may read, write or execute; otherwise an errc::permission error
// names what the file is, its path and its mode, and gives the chmod that fixes it. The descriptor is the one
// that was checked, so the file cannot be swapped between the check and the read.
#pragma once

#include "common/core/error.hpp"
#include "common/core/unique_fd.hpp"

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace bodycam::common::core {

// Pure: "" when `mode` (an st_mode) is a private regular file's, else why not, e.g.
// "has mode 0640: group or others may read it".
[[nodiscard]] std::string secret_mode_problem(mode_t mode);

// `what` names the kind of secret for the message: "secret key file", "cookie key", "S3 credentials".
[[nodiscard]] expected<unique_fd> open_secret_file(const std::filesystem::path& path, std::string_view what);

// open_secret_file, then the whole file (at most max_bytes; a larger file is refused, never truncated).
// For secrets that need no guarded memory while being parsed; callers wipe the buffer after use.
[[nodiscard]] expected<std::string> read_secret_file(const std::filesystem::path& path, std::string_view what,
                                                     std::size_t max_bytes);

// For a secret a library opens by name (a TLS private key): the same check, then the file is closed.
[[nodiscard]] status check_secret_file(const std::filesystem::path& path, std::string_view what);

}  // namespace bodycam::common::core
