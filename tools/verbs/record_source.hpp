// Where `bodycam verify` reads a device's records from: a ledger file, a device's folder in a store (read
// through common/store, the one reader of the store layout), or any other directory of record files named
// by their seq.
// Each record keeps its origin ("ledger /x/ledger.db seq 5", "records/cam-1/5") and the seq its place claims.
#pragma once

#include "common/chain/verifier.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::verbs {

struct record_set {
  std::vector<common::chain::record_input> records;
  std::optional<std::string> device;  // what the source says the device is, if it says
};

[[nodiscard]] bool looks_like_sqlite(const std::filesystem::path& path);
[[nodiscard]] common::core::expected<record_set> read_ledger_records(const std::filesystem::path& ledger_path);
[[nodiscard]] common::core::expected<record_set> read_record_directory(const std::filesystem::path& dir);
// If `dir` is records/<device> inside a store: the store's root, else nullopt.
[[nodiscard]] std::optional<std::filesystem::path> store_root_of_records(const std::filesystem::path& dir);
// The device's records through common/store (origins "records/<device>/<seq>").
[[nodiscard]] common::core::expected<record_set> read_store_records(const std::filesystem::path& store_root,
                                                                    const std::string& device);

}  // namespace bodycam::tools::verbs
