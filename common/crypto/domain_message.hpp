// What an Ed25519 signature over one of our canonical documents covers: the format's domain string (its name
// and a NUL, so a signature of one format is never also one of another) followed by a SHA-256 digest — the
// document's, or for records and register entries the entry hash the format defines. One place, so every
// format signs the same way (docs/formats/chain.md, receipt.md, access-register.md, enrollment.md,
// metadata-register.md).
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/sha256.hpp"

#include <string_view>

namespace bodycam::common::crypto {

[[nodiscard]] core::byte_buffer domain_message(std::string_view domain, const sha256_digest& digest);

}  // namespace bodycam::common::crypto
