// Where `bodycam verify` (and later audit/export) read a device's records from: a ledger file, or a
// directory of record files named by their seq (the store's records/<device>/ layout, an export bundle).
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

}  // namespace bodycam::tools::verbs
