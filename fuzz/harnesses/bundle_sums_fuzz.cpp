// Fuzzes the reader of a bundle's SHA256SUMS (tools/bundle): the first file a court's verifier reads from a
// bundle someone handed over.
// Invariants checked: every accepted line has a path; what format_sums writes from the accepted lines (sorted
// by path) parses back to the same digests and paths.
#include "fuzz/fuzz_check.hpp"
#include "tools/bundle/bundle_report.hpp"

#include <algorithm>

namespace bundle = bodycam::tools::bundle;
using bodycam::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = bodycam::fuzz::as_text(data, size);
  auto lines = bundle::parse_sums(text);
  if (!lines) return 0;
  for (const auto& line : *lines) {
    require(!line.path.empty(), "bundle_sums", "every line names a path");
    (void)bundle::is_safe_bundle_path(line.path);
  }
  // Lines with the same path may come back in either order: compare both sorted by path, then digest.
  const auto by_path_then_digest = [](const auto& a, const auto& b) {
    return a.path != b.path ? a.path < b.path : a.sha256.bytes < b.sha256.bytes;
  };
  auto again = bundle::parse_sums(bundle::format_sums(*lines));
  require(again.has_value() && again->size() == lines->size(), "bundle_sums", "formatted lines parse back");
  std::sort(lines->begin(), lines->end(), by_path_then_digest);
  std::sort(again->begin(), again->end(), by_path_then_digest);
  for (std::size_t i = 0; i < lines->size(); ++i)
    require((*again)[i].path == (*lines)[i].path && (*again)[i].sha256 == (*lines)[i].sha256, "bundle_sums",
            "formatted lines parse back to the same digests and paths");
  return 0;
}
