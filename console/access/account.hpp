// A person's console account: their own Ed25519 signing key sealed with their password (the sealed-key format
// of tools/enrollment/sealed_key.hpp: argon2id + secretbox, docs/formats/enrollment.md §2), and an optional
// TOTP secret. The account file is text, one item a line:
//   bodycam-console-account-v1
//   person <id>
//   totp <base32 secret>          (only when the second factor is on)
//   sealed <hex of the sealed key file>
// Pure: text in, text out, and the password check; the console reads the file (mode 0600) itself.
// Guarantees:
//  U1. parse_account refuses a wrong first line, an unknown or repeated item, a person id that is not a label,
//      a TOTP secret that is not base32 of 10-64 bytes, and missing person or sealed lines (errc::malformed,
//      naming the line).
//  U2. unlock_account returns the key only when the password opens the sealed key, the sealed key's label is
//      the account's person, and (if a TOTP secret is set) the code verifies at `now`. A wrong password and a
//      wrong code give the same message, so neither can be probed alone.
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/record/payloads.hpp"
#include "tools/enrollment/sealed_key.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace bodycam::console::access {

namespace core = bodycam::common::core;

inline constexpr std::string_view account_magic = "bodycam-console-account-v1";

struct account {
  std::string person;
  std::optional<core::byte_buffer> totp_secret;
  core::byte_buffer sealed_key;
};

[[nodiscard]] core::expected<account> parse_account(std::string_view text, std::string_view origin);
[[nodiscard]] std::string format_account(const account& a);

// Seals `key` under `password` (label = person) for a new account.
[[nodiscard]] core::expected<account> make_account(const std::string& person, const common::crypto::secret_key& key,
                                                   core::byte_view password,
                                                   std::optional<core::byte_buffer> totp_secret,
                                                   tools::enrollment::pwhash_limits limits);

struct unlocked_account {
  common::crypto::secret_key key;
  std::optional<std::uint64_t> totp_step;  // the step of the code that matched, when the account has TOTP
};

[[nodiscard]] core::expected<unlocked_account> unlock_account(const account& a, core::byte_view password,
                                                              std::string_view totp_code, common::record::utc_time now);

}  // namespace bodycam::console::access
