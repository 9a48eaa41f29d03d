// The leaf of the store log: what one stored item contributes to the log (docs/formats/log.md §4.6). Pure.
//   "bodycam-store-leaf/v1 " <kind> " " <64 lower-case hex of SHA-256 of the item's bytes> " " <store key> "\n"
// where <kind> is the key's first component (objects, records, keys, receipts, access, retention, enrollment).
// Guarantees: encode_leaf(parse_leaf(b)) == b for every accepted b; parse_leaf accepts exactly that shape, a
// key that store_key::parse accepts, a kind among `loggable_kinds` equal to the key's first component; the log's
// own files (log/...) are never leaves.
#pragma once

#include "common/store/store_key.hpp"

#include <array>
#include <string>

namespace bodycam::common::store_log {

inline constexpr std::string_view leaf_prefix = "bodycam-store-leaf/v1 ";
inline constexpr std::array<std::string_view, 8> loggable_kinds = {"objects", "records",   "keys",       "receipts",
                                                                   "access",  "retention", "enrollment", "notes"};

struct store_leaf {
  std::string key;                // the stored item's store key
  crypto::sha256_digest sha256;   // of the item's bytes as stored
  friend bool operator==(const store_leaf&, const store_leaf&) = default;
};

// The kind of `key` (its first component) if the store logs it; empty otherwise.
[[nodiscard]] std::string_view leaf_kind(std::string_view key) noexcept;
// Errors: invalid_argument if the key is not a loggable store key.
[[nodiscard]] core::expected<core::byte_buffer> encode_leaf(const store_leaf& leaf);
// Errors: malformed, naming the part that is wrong.
[[nodiscard]] core::expected<store_leaf> parse_leaf(core::byte_view bytes);

}  // namespace bodycam::common::store_log
