// The evidence store (DESIGN.md §6): where segments, annotations, signed records, enrolled device keys,
// receipts and the access register end up. `store` is what the dock, the tools and `bodycam simulate` use; it
// keeps the layout of docs/formats/store.md on any `store_backend` (a directory, memory, later S3) and adds
// what must not differ between backends: content addressing, record placement, idempotence and conflicts.
// Invariants (on top of the backend contract in store_backend.hpp):
//  1. An object lives at objects/sha256/<hex of the SHA-256 of its content>; the content is checked on the
//     way in and a mismatch stores nothing (errc::corrupt). An adopted file (adopt_object_file) was checked by
//     its writer, who hashed each byte as it wrote it; the backend checks its length and identity.
//  2. Putting what is already there is success, `already_stored`, never an overwrite: for an object the
//     stored copy is re-hashed first and must match (else errc::corrupt, nothing changed); for a record, key
//     or entry the stored bytes must equal the offered ones (else errc::conflict, nothing changed).
//  3. A record is stored where its own bytes say: records/<its device>/<its seq>. Bytes that do not decode as
//     a signed record are refused; signatures are not checked here (the dock verifies chains before storing).
//  4. Listing returns only well-formed names (strict hex digests, canonical decimal seqs, valid device ids),
//     sorted (for_each_object: in any order); anything else in the layout is for recover() to report.
//  5. The only deletion is remove_expired_object: it deletes an object (never a record, key or entry) and only
//     once the retention entry that records its expiry is stored; the records that describe it stay.
// Every member is safe to call from several threads at once.
#pragma once

#include "common/crypto/key_file.hpp"
#include "common/record/record.hpp"
#include "common/store/store_backend.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace bodycam::common::store {

enum class put_outcome { created, already_stored };
[[nodiscard]] std::string_view to_string(put_outcome outcome) noexcept;  // "created", "already_stored"

// Upper bounds for whole-item reads; a stored item larger than its bound is reported as corrupt.
inline constexpr std::size_t max_stored_record_bytes = record::max_record_bytes + crypto::signature::size;
inline constexpr std::size_t max_public_key_bytes = 512;
inline constexpr std::size_t max_entry_bytes = std::size_t{16} << 20;
inline constexpr std::size_t max_range_bytes = std::size_t{64} << 20;

class store {
 public:
  explicit store(std::unique_ptr<store_backend> backend)
      : backend_(std::move(backend)), stored_keys_(std::make_unique<stored_key_lines>()) {}

  // ---- objects (segments, annotations): objects/sha256/<hex> ----
  // `already_stored` means the stored copy was re-hashed now and matches `sha256`; then `source` may be unread.
  [[nodiscard]] core::expected<put_outcome> put_object(const crypto::sha256_digest& sha256, byte_source& source);
  [[nodiscard]] core::expected<put_outcome> put_object(const crypto::sha256_digest& sha256, core::byte_view bytes);
  [[nodiscard]] core::expected<put_outcome> put_object_file(const crypto::sha256_digest& sha256,
                                                            const std::filesystem::path& path);
  // A finished file whose SHA-256 its writer computed as it wrote it (the dock's spool) becomes the object
  // `file.sha256`: adopted without a copy where the backend can (store_backend.hpp invariant 9), else put from
  // the file's bytes (which checks them on the way in). `already_stored` as for put_object (the stored copy
  // re-hashed). After `created` by adoption the file's name is gone; otherwise the file is left for the caller.
  [[nodiscard]] core::expected<put_outcome> adopt_object_file(const adoptable_file& file);
  [[nodiscard]] core::expected<bool> has_object(const crypto::sha256_digest& sha256) const;
  [[nodiscard]] core::expected<std::uint64_t> object_size(const crypto::sha256_digest& sha256) const;  // not_found
  [[nodiscard]] core::expected<std::unique_ptr<object_reader>> open_object(const crypto::sha256_digest& sha256) const;
  // At most max_range_bytes; see store_backend::read_range.
  [[nodiscard]] core::expected<core::byte_buffer> read_object_range(const crypto::sha256_digest& sha256,
                                                                    std::uint64_t offset, std::size_t length) const;
  // Reads the stored copy and returns the SHA-256 of what is actually there; the caller compares.
  [[nodiscard]] core::expected<crypto::sha256_digest> rehash_object(const crypto::sha256_digest& sha256) const;
  // Every stored object's digest, in no particular order; the visitor returns false to stop.
  [[nodiscard]] core::status for_each_object(const std::function<bool(const crypto::sha256_digest&)>& visit) const;
  // Invariant 5: deletes the object only if retention/<expiry_entry> is already stored (errc::conflict if not).
  // The retention policy (tools/retention/) decides what may expire; this only refuses to act unrecorded.
  [[nodiscard]] core::status remove_expired_object(const crypto::sha256_digest& sha256, std::string_view expiry_entry);

  // ---- signed records: records/<device>/<seq> ----
  // Files the record at records/<device>/<seq> of its own bytes (invariant 3).
  [[nodiscard]] core::expected<put_outcome> put_record(core::byte_view signed_record_bytes);
  [[nodiscard]] core::expected<put_outcome> put_record(const record::signed_record& r);  // r.bytes decide
  [[nodiscard]] core::expected<core::byte_buffer> get_record(const record::device_id& device, std::uint64_t seq) const;
  [[nodiscard]] core::expected<std::vector<std::uint64_t>> list_record_seqs(const record::device_id& device) const;
  // The devices with at least one record, sorted.
  [[nodiscard]] core::expected<std::vector<record::device_id>> list_devices() const;
  // Every record of every device, devices sorted, each device's in seq order; the visitor's error stops the walk
  // and is returned. A record that cannot be read stops it too, wrapped with its device and seq.
  using record_visitor =
      std::function<core::status(const record::device_id& device, std::uint64_t seq, core::byte_view bytes)>;
  [[nodiscard]] core::status for_each_record(const record_visitor& visit) const;

  // ---- enrolled device public keys: keys/<device>.pub (the key line of docs/formats/chain.md §7) ----
  // The label must be a device id. A key line this handle has stored or found stored already is answered
  // `already_stored` without asking the backend again (stored items never change; the dock puts its own key
  // with every receipt).
  [[nodiscard]] core::expected<put_outcome> put_public_key(const crypto::labelled_public_key& key);
  [[nodiscard]] core::expected<crypto::labelled_public_key> get_public_key(const record::device_id& device) const;
  [[nodiscard]] core::expected<std::vector<record::device_id>> list_public_keys() const;

  // ---- receipts and the access register: receipts/<name>, access/<name>, content defined by their writers ----
  [[nodiscard]] core::expected<put_outcome> put_entry(entry_namespace ns, std::string_view name, core::byte_view bytes);
  [[nodiscard]] core::expected<core::byte_buffer> get_entry(entry_namespace ns, std::string_view name) const;
  [[nodiscard]] core::expected<std::vector<std::string>> list_entries(entry_namespace ns) const;
  // The names beginning with `name_prefix` only (on S3 the engine filters: the cost is what matches).
  [[nodiscard]] core::expected<std::vector<std::string>> list_entries(entry_namespace ns,
                                                                      std::string_view name_prefix) const;

  // ---- legal holds (store_backend.hpp invariant 10): the engine's own hold, where the backend has one ----
  // Places (`on`) or releases the hold on an object or a record; false if the backend has no legal holds.
  [[nodiscard]] core::expected<bool> set_object_legal_hold(const crypto::sha256_digest& sha256, bool on);
  [[nodiscard]] core::expected<bool> set_record_legal_hold(const record::device_id& device, std::uint64_t seq,
                                                           bool on);

  // ---- the store as a whole ----
  [[nodiscard]] core::expected<space_info> space() const { return backend_->space(); }
  [[nodiscard]] core::expected<recovery_report> recover() { return backend_->recover(); }
  [[nodiscard]] std::string describe() const { return backend_->describe(); }
  [[nodiscard]] store_backend& backend() noexcept { return *backend_; }

 private:
  // Create-only put of exact bytes with the idempotence/conflict rule of invariant 2.
  [[nodiscard]] core::expected<put_outcome> put_exact(const store_key& key, core::byte_view bytes);
  [[nodiscard]] core::expected<core::byte_buffer> read_whole(const store_key& key, std::size_t max_bytes) const;
  [[nodiscard]] core::expected<crypto::sha256_digest> rehash(const store_key& key) const;
  [[nodiscard]] core::expected<std::vector<std::string>> list_leaves(const store_key& folder,
                                                                     std::string_view name_prefix = {}) const;

  std::unique_ptr<store_backend> backend_;
  // Public key lines known to be stored (put_public_key); behind a pointer so that a store stays movable.
  struct stored_key_lines {
    std::mutex mutex;
    std::set<std::string> lines;  // guarded by mutex
  };
  std::unique_ptr<stored_key_lines> stored_keys_;
};

}  // namespace bodycam::common::store
