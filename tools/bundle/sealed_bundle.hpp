// A court bundle for one recipient (`bodycam export --to-recipient PUB`): the built bundle folder as one ustar
// archive (bundle_archive.hpp), encrypted to the recipient's footage public key in the encrypted footage format
// (docs/formats/encrypted-footage.md: a fresh key per bundle sealed with crypto_box_seal, the archive in
// secretstream messages of 64 KiB). The recipient opens it with `bodycam decrypt` and their sealed key, then
// `tar -xf` gives the folder `bodycam verify` checks. Guarantees:
//  S1. `out` appears only complete, create-only, mode 0600, synced (write_file_durably); never replaced.
//  S2. It decrypts, under the recipient's secret key only, to exactly the archive whose SHA-256 is returned.
#pragma once

#include "common/crypto/footage_key.hpp"
#include "common/crypto/sha256.hpp"

#include <filesystem>
#include <string>

namespace bodycam::tools::bundle {

struct sealed_bundle {
  common::crypto::sha256_digest archive_sha256;  // of the plaintext archive (what decrypt prints)
  std::uint64_t archive_bytes = 0;
  std::uint64_t sealed_bytes = 0;
};

[[nodiscard]] common::core::expected<sealed_bundle> seal_bundle(const std::filesystem::path& bundle_dir,
                                                                const std::string& top_folder,
                                                                const common::crypto::footage_public_key& recipient,
                                                                const std::filesystem::path& out);

}  // namespace bodycam::tools::bundle
