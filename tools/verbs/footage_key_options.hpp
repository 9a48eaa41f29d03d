// The footage key options that `bodycam export` and `bodycam copy` share with `bodycam decrypt`:
// --footage-key SEALED (repeatable), --footage-key-dir DIR (repeatable), --passphrase-file F. They make a key
// chest (tools/decryption/footage_key_chest.hpp) that reads the passphrase only when the first encrypted file
// asks for a key — after the verb's access entry is stored — and without a passphrase file asks the terminal.
#pragma once

#include "tools/decryption/footage_key_chest.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::verbs {

struct footage_key_args {
  std::vector<std::string> footage_keys;
  std::vector<std::string> footage_key_dirs;
  std::string passphrase_file;
  [[nodiscard]] bool given() const noexcept { return !footage_keys.empty() || !footage_key_dirs.empty(); }
};

void add_footage_key_options(CLI::App& cmd, footage_key_args& args);

// No key options given: an empty optional (encrypted footage is then refused by the library, naming it).
// The sealed files are loaded and checked now (mode 0600, a footage key); no passphrase is read yet.
[[nodiscard]] common::core::expected<std::optional<decryption::footage_key_chest>> make_footage_key_chest(
    const footage_key_args& args);

}  // namespace bodycam::tools::verbs
