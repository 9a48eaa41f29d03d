// Reconciling the store with its log; guarantees in reconcile.hpp.
#include "common/store_log/reconcile.hpp"

#include "common/store_log/log_reader.hpp"

#include <map>

namespace bodycam::common::store_log {

core::expected<std::vector<core::byte_buffer>> leaves_for_keys(const store::store_backend& backend,
                                                              std::span<const store::store_key> keys) {
  std::vector<core::byte_buffer> out;
  for (const auto& key : keys) {
    auto leaf = leaf_for_stored(backend, key);
    if (!leaf) return std::unexpected(leaf.error());
    auto bytes = encode_leaf(*leaf);
    if (!bytes) return std::unexpected(bytes.error());
    out.push_back(std::move(*bytes));
  }
  return out;
}

core::expected<reconcile_report> reconcile(store::store& s, log_appender& log) {
  auto& backend = s.backend();
  reconcile_report report;
  // Listing first: what is stored now is then either in the log read below or appended here.
  auto keys = list_loggable_keys(backend);
  if (!keys) return core::wrap("reconcile the store log", keys.error());
  report.stored_items = keys->size();
  auto size = log.finish_pending();
  if (!size) return core::wrap("reconcile the store log", size.error());
  report.log_size_before = *size;
  auto entries = read_log_entries(backend, *size);
  if (!entries) return core::wrap("reconcile the store log", entries.error());
  std::map<std::string, crypto::sha256_digest> logged;
  for (const auto& e : *entries) {
    auto leaf = parse_leaf(e);
    if (!leaf) return core::wrap("reconcile the store log", leaf.error());
    logged.emplace(leaf->key, leaf->sha256);  // the first leaf of a key counts
  }
  std::vector<store::store_key> missing;
  for (const auto& key : *keys) {
    const auto found = logged.find(key.str());
    if (found == logged.end()) {
      missing.push_back(key);
      continue;
    }
    if (key.parent() == store::store_key::objects_folder().str()) continue;  // the name is the digest
    auto leaf = leaf_for_stored(backend, key);
    if (!leaf) return core::wrap("reconcile the store log", leaf.error());
    if (leaf->sha256 != found->second) report.mismatched.push_back(key.str());
  }
  auto leaves = leaves_for_keys(backend, missing);
  if (!leaves) return core::wrap("reconcile the store log", leaves.error());
  if (!leaves->empty()) {
    auto appended = log.append(*leaves);
    report.appended = appended.claimed;
    if (appended.error) return core::wrap("reconcile the store log", *appended.error);
  }
  return report;
}

}  // namespace bodycam::common::store_log
