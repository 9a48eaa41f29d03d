// A store backend in memory: the fake that unit tests of the dock and the tools use instead of a disk, and a
// second implementation the conformance suite runs against to prove it is written to the port, not to one
// backend. It keeps the whole store_backend contract except durability (nothing survives the process).
// A capacity makes it report errc::no_space the way a full disk does.
#pragma once

#include "common/store/store_backend.hpp"

#include <map>
#include <mutex>

namespace bodycam::common::store {

class memory_backend final : public store_backend {
 public:
  // nullopt: no limit. Otherwise a create that would take the stored bytes over `capacity_bytes` fails.
  explicit memory_backend(std::optional<std::uint64_t> capacity_bytes = std::nullopt) noexcept
      : capacity_(capacity_bytes) {}

  [[nodiscard]] core::expected<create_outcome> create(const store_key& key, byte_source& source,
                                                      const crypto::sha256_digest& expected_sha256) override;
  [[nodiscard]] core::expected<std::unique_ptr<object_reader>> open(const store_key& key) const override;
  [[nodiscard]] core::expected<core::byte_buffer> read_range(const store_key& key, std::uint64_t offset,
                                                             std::size_t length) const override;
  [[nodiscard]] core::expected<std::optional<std::uint64_t>> stat(const store_key& key) const override;
  [[nodiscard]] core::status list(const store_key& folder, const list_visitor& visit) const override;
  [[nodiscard]] core::expected<space_info> space() const override;
  [[nodiscard]] core::status remove(const store_key& key) override;
  [[nodiscard]] core::expected<recovery_report> recover() override { return recovery_report{}; }
  [[nodiscard]] std::string describe() const override { return "memory store"; }

  // Replaces stored bytes behind the store's back, as a disk fault or an attacker would. Tests only.
  void tamper(const store_key& key, core::byte_buffer bytes);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const core::byte_buffer>> items_;  // guarded by mutex_
  std::uint64_t used_ = 0;                                                 // guarded by mutex_
  std::optional<std::uint64_t> capacity_;
};

}  // namespace bodycam::common::store
