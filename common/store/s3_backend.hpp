// The S3 backend: a bodycam store in one bucket of an S3-compatible object store (tested against Ceph RGW),
// path-style over HTTP or HTTPS (the certificate verified, s3_http.hpp), every request SigV4-signed over its payload. How it keeps the port's contract
// (store_backend.hpp):
//  S1 create is one PUT of the whole payload with x-amz-content-sha256 and Content-MD5 (the server refuses
//     bytes that changed on the way). The SHA-256 signed is the declared one: open proved that the server
//     checks it (s3_payload_checked: a probe PUT under a hash that is not its body's was refused and left
//     nothing), so bytes that do not hash to it are refused by the server and nothing is stored (contract 3;
//     the bytes are then hashed here to tell a source that gave other bytes, errc::corrupt, from bytes changed
//     on the way). Against a server that did not pass that probe the bytes are hashed here first and nothing
//     is sent if they differ. A PUT is atomic at the server: a version is absent or complete, never partial
//     (contract 2); an acknowledged PUT is durable (contract 5). A lookup first answers `already_exists`
//     without sending the bytes, unless this backend saw the key absent in the last 10 seconds, by a stat or
//     by a whole listing of its folder that began then (a caller that asked first, as the dock does; each
//     such finding spares one create, so a retry looks again; S3 still decides which version counts).
//     An item above `multipart_threshold_bytes` is a multipart upload instead (s3_multipart.hpp M1-M3): each
//     part is checked by the server like a single PUT, nothing is visible before completion, and the completed
//     version's size is checked and it is locked before the S3 rule decides.
//  S2 With worm on, every create sets Object Lock COMPLIANCE retention for `retention` days: not even the
//     bucket's owner can delete or change that version before then.
//  S3 A key's content is its FIRST version (the oldest since the key's last delete marker), never simply the
//     current one. RGW 16 does not enforce If-None-Match: * in a versioned bucket (and Object Lock needs
//     versioning): a racing or rogue PUT adds a newer version instead of failing. So after its PUT a create
//     lists the key's versions: it `created` only if its version is the first, else the winner's is kept
//     and the answer is `already_exists` (contract 4); the loser's bytes stay as an unused locked version.
//     Creates of records confirm together (listing_groups.hpp, a group commit): a record's listing is of its
//     key without the seq's last digit (records/<device>/123 for 1230-1239: 11 keys when they are the device's
//     newest), and one listing answers every create under that prefix whose PUT was
//     acknowledged before the listing began. For a seq of one digit that prefix is the device's folder: used
//     only while a whole listing of it moments ago (S1) found at most 100 names, else the key alone.
//     Every read, stat and rehash addresses the first version by id, so a later version changes nothing a
//     reader sees. With worm off (a bucket without versioning) If-None-Match: * decides instead.
//  S4 open proves write-once before anything is stored (s3_open.cpp), and probes the payload check of S1
//     (with worm on or off): versioning and Object Lock are on,
//     and a locked probe under ".bodycam-probe/" (never a key: keys do not start with '.') keeps its bytes
//     after a PUT over it, refuses a delete of its version and refuses a shorter retention. A bucket that
//     fails is refused unless worm is off.
//  S5 Reads are ranged GETs (open streams 8 MiB ranges), list is ListObjectsV2 with delimiter '/' and
//     continuation tokens; names that are not valid key components are never listed.
//  S6 remove (only for an expired object) adds a delete marker: the locked version stays until its retention
//     ends, when the bucket's lifecycle may expire it; a version under a legal hold (S8) stays while held.
//     Another handle that looked the key up before the removal keeps reading that version until it is reopened.
//  S7 recover aborts the multipart uploads a killed writer left open, once older than `stale_upload_age` (a
//     younger one may be another writer's); single PUTs leave nothing behind. space is unknown (S3 has no
//     free-space call).
//  S8 Legal holds (store_backend.hpp invariant 10) are Object Lock legal holds on the key's first version
//     (PUT ?legal-hold ON/OFF): while ON, not even a lapsed retention lets anyone delete that version. With
//     worm off the bucket has no Object Lock, and legal holds are "not supported".
#pragma once

#include "common/store/listing_groups.hpp"
#include "common/store/s3_client.hpp"
#include "common/store/store.hpp"
#include "common/store/store_backend.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <vector>
#include <set>

namespace bodycam::common::store {

class s3_backend final : public store_backend {
 public:
  // Checks the bucket (S4) and returns a backend on it; the bucket must exist.
  [[nodiscard]] static core::expected<std::unique_ptr<s3_backend>> open(s3_store_options options);

  [[nodiscard]] core::expected<create_outcome> create(const store_key& key, byte_source& source,
                                                      const crypto::sha256_digest& expected_sha256) override;
  [[nodiscard]] core::expected<std::unique_ptr<object_reader>> open(const store_key& key) const override;
  [[nodiscard]] core::expected<core::byte_buffer> read_range(const store_key& key, std::uint64_t offset,
                                                             std::size_t length) const override;
  [[nodiscard]] core::expected<std::optional<std::uint64_t>> stat(const store_key& key) const override;
  [[nodiscard]] core::status list(const store_key& folder, const list_visitor& visit) const override;
  [[nodiscard]] core::status list_starting(const store_key& folder, std::string_view name_prefix,
                                           const list_visitor& visit) const override;
  [[nodiscard]] core::expected<space_info> space() const override { return space_info{}; }
  [[nodiscard]] core::status remove(const store_key& key) override;
  [[nodiscard]] core::expected<recovery_report> recover() override;
  [[nodiscard]] core::expected<bool> set_legal_hold(const store_key& key, bool on) override;
  [[nodiscard]] core::expected<std::optional<bool>> legal_hold(const store_key& key) const override;
  [[nodiscard]] std::string describe() const override { return client_->describe(); }

  // `payload_checked`: the server was proved to check payload hashes (s3_payload_checked), so create signs the
  // declared SHA-256 without hashing the bytes itself (S1).
  explicit s3_backend(std::shared_ptr<s3_client> client, bool payload_checked = false) noexcept
      : client_(std::move(client)), payload_checked_(payload_checked) {}
  [[nodiscard]] bool payload_checked() const noexcept { return payload_checked_; }

 private:
  // The version that holds a key's content (S3) and its size; nullopt if the key is absent.
  struct version {
    std::string id;  // "" with worm off: the key itself
    std::uint64_t size = 0;
  };
  // `remember_absence`: a key found absent is noted for a create that follows (S1).
  [[nodiscard]] core::expected<std::optional<version>> resolve(const store_key& key, bool use_cache = true,
                                                               bool remember_absence = false) const;
  [[nodiscard]] core::expected<std::optional<version>> first_version(const store_key& key) const;
  // Every key's content version (S3) under `prefix`; with `only_prefix`, just the key equal to the prefix.
  [[nodiscard]] core::expected<std::map<std::string, version>> first_versions(const std::string& prefix,
                                                                             bool only_prefix) const;
  // After a create's PUT: the key's content version from a listing begun after now (S3, group confirm).
  [[nodiscard]] core::expected<std::optional<version>> confirm(const store_key& key);
  [[nodiscard]] std::string name_of(const store_key& key) const;
  // Whether a lookup found `key` absent within the last seconds; forgets that finding (S1).
  [[nodiscard]] bool absent_moments_ago(const store_key& key) const;
  // Notes the key's content version for later lookups (S3) and forgets any absence found before (S1).
  void remember_first_version(const std::string& key, const version& v) const;

  std::shared_ptr<s3_client> client_;
  // A key's first version never changes while the key exists, so it is looked up once (S3).
  mutable std::mutex cache_mutex_;
  mutable std::map<std::string, version> first_versions_;  // guarded by cache_mutex_
  // Keys a lookup found absent, and when (S1); guarded by cache_mutex_.
  mutable std::map<std::string, std::chrono::steady_clock::time_point> found_absent_;
  // Folders listed whole, when the listing started and the names it saw, plus every name a create has counted
  // as absent since (S1); guarded by cache_mutex_.
  struct folder_listing {
    std::chrono::steady_clock::time_point at;
    std::set<std::string> names;
  };
  mutable std::map<std::string, folder_listing> listed_folders_;
  // The confirming listings of records' creates, shared by prefix (S3 group confirm).
  listing_groups<core::expected<std::map<std::string, version>>> confirm_listings_;
  // The server refuses a PUT whose payload does not hash to its x-amz-content-sha256 (proved at open, S1).
  bool payload_checked_ = false;
  // Buffers of finished PUT bodies of 1 MiB or more, kept for the next creates (at most max_spare_bodies):
  // a fresh buffer of a segment's size costs the kernel a zeroed page for every 4 KiB written into it.
  struct spare_bodies {
    static constexpr std::size_t max_spare_bodies = 4;
    std::mutex mutex;
    std::vector<std::string> buffers;
  };
  // One create's body: a spare buffer if there is one, given back (emptied) when the create ends.
  struct spare_body {
    explicit spare_body(spare_bodies& from);
    ~spare_body();
    spare_body(const spare_body&) = delete;
    spare_body& operator=(const spare_body&) = delete;
    spare_bodies& pool;
    std::string body;
  };
  spare_bodies spare_bodies_;
};

// The store on a bucket (s3_backend::open, then `store`).
[[nodiscard]] core::expected<store> open_s3_store(s3_store_options options);

// Makes the bucket, with Object Lock enabled if `object_lock` (for tests and first set-up; an agency's bucket is
// normally made by its storage administrator). A bucket that exists and is ours is success.
[[nodiscard]] core::status create_s3_bucket(const s3_store_options& options, bool object_lock);

// Whether the server checks the payload hash of a PUT (S1): true iff a PUT of a probe under ".bodycam-probe/"
// whose x-amz-content-sha256 is not its body's hash is refused with XAmzContentSHA256Mismatch and leaves no such
// key. An engine that stores it (answering 200) is false, and the probe it kept is deleted where it can be.
[[nodiscard]] core::expected<bool> s3_payload_checked(const s3_client& client);

// The proof of S4: versioning and Object Lock on, and a locked probe kept its bytes through a PUT over it, a
// delete of its version and a shorter retention. Returns what failed.
[[nodiscard]] core::status probe_write_once(const s3_client& client);

}  // namespace bodycam::common::store
