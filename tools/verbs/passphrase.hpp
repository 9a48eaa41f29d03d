// Where the agency root's passphrase comes from: a file (must be mode 0600 or stricter, like a secret key
// file) or the terminal without echo. And the one way verbs open the sealed root key with it.
// Guarantees: the passphrase only ever sits in guarded memory (secret_bytes); a passphrase file readable by
// group or others is refused with the chmod that fixes it; one trailing newline of a file is not part of the
// passphrase; a wrong passphrase is an error saying so.
#pragma once

#include "tools/enrollment/sealed_key.hpp"

#include <filesystem>
#include <string>

namespace bodycam::tools::verbs {

inline constexpr std::size_t max_passphrase_bytes = 1024;

[[nodiscard]] common::core::expected<enrollment::secret_bytes> read_passphrase_file(const std::filesystem::path& path);
// Prompts on /dev/tty with echo off; `confirm` asks twice and refuses a mismatch.
[[nodiscard]] common::core::expected<enrollment::secret_bytes> read_passphrase_tty(const std::string& prompt,
                                                                                   bool confirm);
// --passphrase-file if given, else the terminal.
[[nodiscard]] common::core::expected<enrollment::secret_bytes> get_passphrase(const std::string& passphrase_file,
                                                                              bool confirm);
// Reads the sealed root key file and opens it with the passphrase from get_passphrase.
[[nodiscard]] common::core::expected<common::crypto::labelled_secret_key> open_root_key(
    const std::filesystem::path& sealed_file, const std::string& passphrase_file);

}  // namespace bodycam::tools::verbs
