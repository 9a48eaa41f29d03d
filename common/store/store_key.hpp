// The names of a store: every place the store writes or reads is a `store_key`, a slash-separated path of
// validated components, built from typed parts (a digest, a device id and seq, an entry name). Backends see
// nothing else, so no caller-supplied text can name a place outside the layout of docs/formats/store.md.
// Invariants:
//  1. A key is 1-1024 bytes of components joined by '/'; every component is 1-255 characters of
//     A-Z a-z 0-9 . _ - and does not start with '.'. So no key is absolute, holds "." or ".." or an empty
//     component, a NUL or a backslash, and no key can collide with a backend's temp name (they start with '.').
//  2. Keys built here are canonical: `objects/sha256/<64 lower-case hex>`, `records/<device>/<seq in decimal,
//     no leading zero>`, `keys/<device>.pub`, `receipts/<name>`, `access/<name>`,
//     `retention/<name>`, `enrollment/<name>`, `notes/<name>`, `log/<path>` (the store log, common/store_log). parse_* functions accept
//     exactly these spellings and nothing else, so one stored item has exactly one key.
#pragma once

#include "common/core/error.hpp"
#include "common/crypto/sha256.hpp"
#include "common/record/ids.hpp"

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bodycam::common::store {

// The namespaces of named write-once entries whose content the dock and the tools define: receipts (the dock),
// the access register and the retention register (holds and expiry events; tools/registers/), and the
// enrollment register (who may sign what; tools/enrollment/), and the metadata register (notes after the fact on
// sessions; tools/registers/metadata_entry.hpp).
enum class entry_namespace { receipts, access, retention, enrollment, notes };
// Every namespace, in folder order: the one list the backends' layout checks use.
inline constexpr std::array<entry_namespace, 5> all_entry_namespaces = {
    entry_namespace::receipts, entry_namespace::access, entry_namespace::retention, entry_namespace::enrollment,
    entry_namespace::notes};
// "receipts", "access", "retention", "enrollment", "notes"
[[nodiscard]] std::string_view to_string(entry_namespace ns) noexcept;

class store_key {
 public:
  static constexpr std::size_t max_length = 1024;
  static constexpr std::size_t max_component_length = 255;

  // Any key or folder, checked against invariant 1. For layout places prefer the typed builders below.
  [[nodiscard]] static core::expected<store_key> parse(std::string_view text);

  [[nodiscard]] static store_key object(const crypto::sha256_digest& digest);
  [[nodiscard]] static store_key objects_folder();  // objects/sha256
  [[nodiscard]] static store_key record(const record::device_id& device, std::uint64_t seq);
  [[nodiscard]] static store_key records_folder();  // records
  [[nodiscard]] static store_key device_records_folder(const record::device_id& device);
  [[nodiscard]] static store_key public_key(const record::device_id& device);
  [[nodiscard]] static store_key keys_folder();  // keys
  // errc::invalid_argument if `name` is not one valid component.
  [[nodiscard]] static core::expected<store_key> entry(entry_namespace ns, std::string_view name);
  [[nodiscard]] static store_key entries_folder(entry_namespace ns);
  // log/<path>: the store log's tiles, batches, checkpoints and cosignatures (docs/formats/log.md). `path`
  // must be valid key components joined by '/' (errc::invalid_argument otherwise).
  [[nodiscard]] static core::expected<store_key> log(std::string_view path);

  [[nodiscard]] const std::string& str() const noexcept { return value_; }
  [[nodiscard]] std::string_view leaf() const noexcept;    // the last component
  [[nodiscard]] std::string_view parent() const noexcept;  // all but the last component; "" if there is one
  // What lives here, for messages: "object", "record", "public key", "receipt", "access entry", "log file" or "item".
  [[nodiscard]] std::string_view kind() const noexcept;

  friend auto operator<=>(const store_key&, const store_key&) = default;

 private:
  explicit store_key(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

[[nodiscard]] bool is_valid_key_component(std::string_view component) noexcept;
// The top-level folders of the layout: objects, records, keys and one per entry namespace.
[[nodiscard]] bool is_layout_top_folder(std::string_view name) noexcept;
// The leaf names of the layout, strictly (invariant 2); nullopt for anything else.
[[nodiscard]] std::optional<crypto::sha256_digest> parse_object_name(std::string_view leaf) noexcept;
[[nodiscard]] std::optional<std::uint64_t> parse_seq_name(std::string_view leaf) noexcept;
[[nodiscard]] std::optional<record::device_id> parse_public_key_name(std::string_view leaf);

}  // namespace bodycam::common::store
