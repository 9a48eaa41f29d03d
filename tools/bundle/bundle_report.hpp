// What a bundle is and says: its fixed names, the checksum list, the path rule, and the report both export
// and verify compute from the bundle's content (docs/formats/bundle.md).
// Invariants:
//  1. A bundle path is relative, '/'-separated, and each part is 1-255 of A-Z a-z 0-9 . _ - not starting
//     with '.': no "..", no absolute path, no hidden file, so nothing named in a bundle can point outside it.
//  2. report.json and report.txt are a pure function of the manifest and the chain verification of the
//     bundle's records (no clock, no paths outside the bundle), so `verify` can recompute them and any edit
//     shows as report_mismatch.
#pragma once

#include "common/chain/verifier.hpp"

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bodycam::tools::bundle {

namespace chain = common::chain;
namespace core = common::core;
namespace crypto = common::crypto;

inline constexpr std::string_view sums_name = "SHA256SUMS";
inline constexpr std::string_view manifest_name = "manifest.json";
inline constexpr std::string_view report_json_name = "report.json";
inline constexpr std::string_view report_text_name = "report.txt";
inline constexpr std::string_view readme_name = "README.txt";
inline constexpr std::string_view bundle_format = "bodycam-bundle";
inline constexpr int bundle_version = 1;

[[nodiscard]] bool is_safe_bundle_path(std::string_view path) noexcept;  // invariant 1

struct sums_line {
  crypto::sha256_digest sha256;
  std::string path;
};
// "<64 lower-case hex>  <path>\n" per file, sorted by path (what `sha256sum -c` reads).
[[nodiscard]] std::string format_sums(const std::vector<sums_line>& lines);
// Fails (malformed) on a line that is not of that form; unsafe paths are returned for the caller to report.
[[nodiscard]] core::expected<std::vector<sums_line>> parse_sums(std::string_view text);

// One device's records in the bundle, verified.
struct device_part {
  std::string device;
  crypto::public_key key;
  chain::verify_options options;
  chain::chain_report chain;
};

// Invariant 2.
[[nodiscard]] nlohmann::json make_report_json(const nlohmann::json& manifest, const std::vector<device_part>& devices);
[[nodiscard]] std::string make_report_text(const nlohmann::json& manifest, const std::vector<device_part>& devices);
// The README a clerk or a court reads first.
[[nodiscard]] std::string make_readme(const nlohmann::json& manifest);

}  // namespace bodycam::tools::bundle
