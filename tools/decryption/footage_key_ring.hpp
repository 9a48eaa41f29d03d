// The footage secrets a key holder has after rotations, and the choice among them for one file: the sealed
// key files given one by one (--footage-key) or as a folder (--footage-key-dir, every *.sealed in it) are
// named by the key id written in the clear beside each sealed secret, so the right one is found without a
// passphrase; only that one is then opened. Guarantees:
//  R1. Every file is loaded through the secret-file check (0600, a regular file, not a link).
//  R2. Two files with the same key id are one key, not a conflict (a backup copy beside the original).
//  R3. choose_footage_key is pure: the first key (in the order given) whose id an envelope of the header
//      names; none is errc::not_found naming the file's key ids and the ids held, so the operator knows which
//      secret is missing.
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/footage_format.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace bodycam::tools::decryption {

struct sealed_footage_key {
  std::filesystem::path path;
  common::crypto::footage_key_id id;
  common::core::byte_buffer sealed;
};

// Files, then each folder's *.sealed in name order. An empty result is an error (no key given or found).
[[nodiscard]] common::core::expected<std::vector<sealed_footage_key>> load_footage_key_ring(
    const std::vector<std::string>& files, const std::vector<std::string>& folders);

// The key ids a footage file's header names (reads the header only; no key needed).
[[nodiscard]] common::core::expected<std::vector<common::crypto::footage_key_id>> footage_file_key_ids(
    const std::filesystem::path& file);

[[nodiscard]] common::core::expected<const sealed_footage_key*> choose_footage_key(
    const std::vector<sealed_footage_key>& ring, const std::vector<common::crypto::footage_key_id>& wanted,
    std::string_view file);

}  // namespace bodycam::tools::decryption
