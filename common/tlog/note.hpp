// C2SP signed notes (https://c2sp.org/signed-note), the envelope of checkpoints and cosignatures:
//   <text, ending in "\n">  "\n"  then one line per signature: "— <key name> <base64(key id(4) || signature)>\n"
// with U+2014 EM DASH. A key id is the first 4 bytes (big-endian uint32) of SHA-256(name || 0x0A || type ||
// public key); a verifier key is written "<name>+<8 hex digits of the key id>+<base64(type || public key)>".
// Types: 0x01 Ed25519 over the text; 0x04 tlog-cosignature/v1 (cosignature.hpp) over a timestamped message.
// Guarantees of open_note: the note is valid UTF-8 without control characters but "\n", within the size and
// signature-count limits; signatures by unknown keys are kept aside, never trusted; a signature by a known key
// that does not verify fails the whole note; the note opens only if at least one known key verified it.
#pragma once

#include "common/crypto/ed25519.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bodycam::common::tlog {

enum class key_type : std::uint8_t { ed25519 = 0x01, cosignature_v1 = 0x04 };
using key_id = std::uint32_t;

// Non-empty, valid UTF-8, no '+' and no Unicode white space.
[[nodiscard]] bool is_valid_key_name(std::string_view name) noexcept;
[[nodiscard]] key_id compute_key_id(std::string_view name, key_type type, const crypto::public_key& key) noexcept;

struct note_verifier {
  std::string name;
  key_id id = 0;
  key_type type = key_type::ed25519;
  crypto::public_key key;
};

// Errors: malformed (the name and which part is wrong), unsupported (another key type).
[[nodiscard]] core::expected<note_verifier> make_note_verifier(std::string_view name, key_type type,
                                                               const crypto::public_key& key);
[[nodiscard]] core::expected<note_verifier> parse_verifier_key(std::string_view text);
[[nodiscard]] std::string format_verifier_key(const note_verifier& v);

// Go's sumdb/note signer key "PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>" (what `note.GenerateKey`
// writes), for tests and interop with Go tools only: the decoded seed passes through ordinary heap memory
// (wiped after use) before it lands in guarded memory. Production keys are common/crypto key files.
struct note_signer_key {
  std::string name;
  key_id id = 0;
  crypto::secret_key key;
};
[[nodiscard]] core::expected<note_signer_key> parse_signer_key(std::string_view text);

struct note_limits {
  std::size_t max_note_bytes = 1 << 20;
  std::size_t max_signatures = 100;
};

struct note_signature {
  std::string name;
  key_id id = 0;
  core::byte_buffer signature;  // the bytes after the key id
};

struct verified_signature {
  std::string name;
  key_id id = 0;
  key_type type = key_type::ed25519;
  std::optional<std::chrono::sys_seconds> cosigned_at;  // cosignatures only
};

struct opened_note {
  std::string text;
  std::vector<verified_signature> verified;
  std::vector<note_signature> unverified;
};

[[nodiscard]] core::expected<opened_note> open_note(std::string_view note, std::span<const note_verifier> known,
                                                   const note_limits& limits = {});

// "— <name> <base64(id || signature)>\n"
[[nodiscard]] core::expected<std::string> format_signature_line(std::string_view name, key_id id,
                                                                core::byte_view signature);
// text + "\n" + one Ed25519 signature line by `signer` under `name`. Text must end in "\n".
[[nodiscard]] core::expected<std::string> sign_note(std::string_view text, std::string_view name, crypto::signer& signer);

}  // namespace bodycam::common::tlog
