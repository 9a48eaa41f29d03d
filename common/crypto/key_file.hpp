// Key files on disk: an Ed25519 secret key (mode 0600, refused if group/other can read it) and its public
// key, each labelled with the identity it belongs to (a device id, a dock id, a clerk id).
// Formats (text, one line each, '\n'-terminated; see docs/formats/keys.md):
//   secret: "bodycam-secret-key-v1 <label> <64 hex digits of the 32-byte seed>"
//   public: "bodycam-public-key-v1 <label> <64 hex digits of the 32-byte public key>"
// The secret line is read into guarded memory and wiped; it never passes through a std::string.
#pragma once

#include "common/crypto/ed25519.hpp"

#include <filesystem>
#include <string>

namespace bodycam::common::crypto {

struct labelled_public_key {
  std::string label;
  crypto::public_key key;
};

struct labelled_secret_key {
  std::string label;
  secret_key key;
};

// Writes "<stem>.key" (0600) and "<stem>.pub" (0644) durably; refuses to overwrite either.
[[nodiscard]] core::status write_key_pair(const std::filesystem::path& stem, std::string_view label,
                                          const secret_key& key);
[[nodiscard]] core::status write_public_key(const std::filesystem::path& path, const labelled_public_key& key);

[[nodiscard]] core::expected<labelled_secret_key> load_secret_key(const std::filesystem::path& path);
[[nodiscard]] core::expected<labelled_public_key> load_public_key(const std::filesystem::path& path);
[[nodiscard]] core::expected<labelled_public_key> parse_public_key_line(std::string_view line, std::string_view origin);
[[nodiscard]] std::string format_public_key_line(const labelled_public_key& key);

// Labels are identity names: 1-64 characters of [A-Za-z0-9._-], not starting with '.'.
[[nodiscard]] bool is_valid_label(std::string_view label) noexcept;

}  // namespace bodycam::common::crypto
