// The port a storage engine implements to hold a bodycam store: create-only writes of checksummed blobs under
// string keys, streamed and ranged reads, listing one folder level by callback, free space, and recovery after
// a crash. It is small on purpose: `store` (store.hpp) builds content addressing, record placement,
// idempotence and conflicts on top, once for every backend. Backends: directory_backend (a local directory,
// the default), memory_backend (tests, demos), s3_backend (one bucket of an S3 store with Object Lock: create
// is a locked PUT whose key's first version wins, list is ListObjectsV2 with delimiter '/', read_range a
// ranged GET of that version; s3_backend.hpp S1-S7).
//
// The contract every backend keeps (checked by tests/common/store/store_conformance.cpp):
//  1. Write-once: once a key holds content it holds those bytes for ever. Nothing in this interface
//     overwrites, renames or deletes a stored key.
//  2. All or nothing: a key is either absent or holds the complete bytes its creator declared. A create that
//     fails or is killed at any point leaves the key absent or complete, never partial, never visible early.
//  3. Checked on the way in: create hashes the bytes it stores; if they are not `expected_sha256` it stores
//     nothing and fails with errc::corrupt.
//  4. Create-only under races: of any number of concurrent creates of one key (threads or processes), exactly
//     one returns `created`; the others return `already_exists` and write nothing.
//  5. Acknowledged means durable: `created` and `already_exists` are returned only once the key's content is
//     on stable storage (the winner's, in the second case), so a caller may act on either.
//  6. Errors name the operation and the key: "write object /srv/store/objects/sha256/…: No space left on
//     device". A full store is errc::no_space. A missing key is errc::not_found for open and read_range.
//  7. Every member is safe to call from several threads at once.
//  8. The one exception to 1 is `remove`, which only store::remove_expired_object calls, only for an object
//     key, only after a retention entry recording the expiry is stored (store.hpp invariant 5). A removal is
//     durable before it returns; removing an absent key is errc::not_found.
//  9. Adoption is a create: `adopt` makes a finished file the key's content iff the key is absent, by moving
//     that file into place (never copying, never replacing: an existing key is `already_exists` and is left
//     alone, the offered file too). The bytes are checked on the way in by their writer, who hashed them as it
//     wrote them and declares size and SHA-256; the backend checks the size and that the file it moved is the
//     one it checked. A backend that cannot move that file into itself (another file system, an object store)
//     answers nullopt and has done nothing; the caller then creates from the file's bytes (invariant 3).
// 10. Legal holds: a backend whose engine can hold a stored key against deletion whatever its retention (S3
//     Object Lock) places and releases that hold on request (`set_legal_hold`) and reports it (`legal_hold`).
//     The default answers "not supported" and does nothing: the directory and memory backends never delete a
//     held file anyway, since only store::remove_expired_object deletes and the retention policy never expires
//     a held file. A hold names the key's content (S3: its first version), never a later one.
#pragma once

#include "common/core/bytes.hpp"
#include "common/crypto/sha256.hpp"
#include "common/store/byte_source.hpp"
#include "common/store/store_key.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::common::store {

enum class create_outcome { created, already_exists };

// One child of a listed folder: a stored item (a leaf) or a folder holding more keys.
struct list_entry {
  std::string name;  // one valid key component
  bool is_folder = false;
};
// Called once per child, in no particular order; return false to stop the listing early.
using list_visitor = std::function<bool(const list_entry&)>;

struct space_info {
  std::optional<std::uint64_t> total_bytes;      // unknown for engines that do not say
  std::optional<std::uint64_t> available_bytes;  // what a put may still use
};

// A finished file its writer offers to a store: `size` bytes whose SHA-256 the writer computed as it wrote
// them. After a successful adoption the file's name is gone (it is now the key); otherwise the file is left.
struct adoptable_file {
  std::filesystem::path path;
  std::uint64_t size = 0;
  crypto::sha256_digest sha256;
};

struct recovery_report {
  std::vector<std::string> removed;  // leftovers of interrupted writes that were removed (never a stored key)
  std::vector<std::string> foreign;  // things in the layout that are not valid keys; reported, left alone
};

class store_backend {
 public:
  virtual ~store_backend() = default;

  // Stores all bytes of `source` under `key` iff the key is absent (invariants 2-5). `already_exists` means
  // nothing was written; the source may not have been read at all.
  [[nodiscard]] virtual core::expected<create_outcome> create(const store_key& key, byte_source& source,
                                                              const crypto::sha256_digest& expected_sha256) = 0;
  // Invariant 9: `file` becomes the content of `key` iff the key is absent; nullopt if this backend cannot
  // adopt that file (nothing done; create from its bytes instead). `already_exists` leaves the file where it is.
  [[nodiscard]] virtual core::expected<std::optional<create_outcome>> adopt(const store_key& key,
                                                                            const adoptable_file& file) {
    (void)key;
    (void)file;
    return std::optional<create_outcome>{};
  }
  // The whole content as a stream (errc::not_found if absent).
  [[nodiscard]] virtual core::expected<std::unique_ptr<object_reader>> open(const store_key& key) const = 0;
  // Bytes [offset, min(offset + length, size)); offset > size is errc::invalid_argument.
  [[nodiscard]] virtual core::expected<core::byte_buffer> read_range(const store_key& key, std::uint64_t offset,
                                                                     std::size_t length) const = 0;
  // The size of the content, or nullopt if the key is absent.
  [[nodiscard]] virtual core::expected<std::optional<std::uint64_t>> stat(const store_key& key) const = 0;
  // The children of `folder` (a missing folder has none). Leftovers of interrupted writes and names that
  // are not valid key components are never listed.
  [[nodiscard]] virtual core::status list(const store_key& folder, const list_visitor& visit) const = 0;
  // The children of `folder` whose names begin with `name_prefix`, as `list` gives them. By default `list`
  // filtered; an engine that can filter by prefix itself (S3) overrides it, so that a listing of one device's
  // entries among every device's costs what that device has.
  [[nodiscard]] virtual core::status list_starting(const store_key& folder, std::string_view name_prefix,
                                                   const list_visitor& visit) const {
    return list(folder, [&](const list_entry& e) { return !e.name.starts_with(name_prefix) || visit(e); });
  }
  [[nodiscard]] virtual core::expected<space_info> space() const = 0;
  // Deletes a stored key (invariant 8; never called for anything but an expired object).
  [[nodiscard]] virtual core::status remove(const store_key& key) = 0;
  // Invariant 10: places (`on`) or releases the engine's legal hold on `key`'s content. false: this backend has
  // no legal holds and did nothing. errc::not_found if the key is absent.
  [[nodiscard]] virtual core::expected<bool> set_legal_hold(const store_key& key, bool on) {
    (void)key;
    (void)on;
    return false;
  }
  // Whether the engine holds `key`'s content; nullopt if this backend has no legal holds.
  [[nodiscard]] virtual core::expected<std::optional<bool>> legal_hold(const store_key& key) const {
    (void)key;
    return std::optional<bool>{};
  }
  // Removes what interrupted writes left behind, never a stored key, and reports anything foreign.
  // May refuse with errc::conflict while a create is in progress.
  [[nodiscard]] virtual core::expected<recovery_report> recover() = 0;
  // For messages: "directory store /srv/store".
  [[nodiscard]] virtual std::string describe() const = 0;
};

}  // namespace bodycam::common::store
