// A store backend that forwards every call to another one, for tests that change one operation (a create that
// fails, or ends the process, under some keys) and keep the rest of the real backend's behaviour.
#pragma once

#include "common/store/store_backend.hpp"

namespace bodycam::tests {

class forwarding_backend : public common::store::store_backend {
 public:
  explicit forwarding_backend(common::store::store_backend& inner) : inner_(inner) {}

  common::core::expected<common::store::create_outcome> create(const common::store::store_key& key,
                                                               common::store::byte_source& source,
                                                               const common::crypto::sha256_digest& sha) override {
    return inner_.create(key, source, sha);
  }
  common::core::expected<std::optional<common::store::create_outcome>> adopt(
      const common::store::store_key& key, const common::store::adoptable_file& file) override {
    return inner_.adopt(key, file);
  }
  common::core::expected<std::unique_ptr<common::store::object_reader>> open(
      const common::store::store_key& key) const override {
    return inner_.open(key);
  }
  common::core::expected<common::core::byte_buffer> read_range(const common::store::store_key& key,
                                                               std::uint64_t offset,
                                                               std::size_t length) const override {
    return inner_.read_range(key, offset, length);
  }
  common::core::expected<std::optional<std::uint64_t>> stat(const common::store::store_key& key) const override {
    return inner_.stat(key);
  }
  common::core::status list(const common::store::store_key& folder,
                            const common::store::list_visitor& visit) const override {
    return inner_.list(folder, visit);
  }
  common::core::expected<common::store::space_info> space() const override { return inner_.space(); }
  common::core::status remove(const common::store::store_key& key) override { return inner_.remove(key); }
  common::core::expected<bool> set_legal_hold(const common::store::store_key& key, bool on) override {
    return inner_.set_legal_hold(key, on);
  }
  common::core::expected<std::optional<bool>> legal_hold(const common::store::store_key& key) const override {
    return inner_.legal_hold(key);
  }
  common::core::expected<common::store::recovery_report> recover() override { return inner_.recover(); }
  std::string describe() const override { return inner_.describe(); }

 private:
  common::store::store_backend& inner_;
};

}  // namespace bodycam::tests
