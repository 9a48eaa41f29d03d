// Fuzzes the bundle verifier's reading of manifest.json (tools/bundle): the input becomes the manifest of a
// bundle directory whose SHA256SUMS lists it with its true digest, so verify_bundle gets past the checksum and
// parses, walks and cross-checks the manifest a court was handed.
// Invariants checked: verify_bundle never throws; a bundle that holds no record file can never be reported
// authentic (with or without gaps): nothing in it is evidence; every finding has a code.
#include "common/crypto/sha256.hpp"
#include "fuzz/fuzz_check.hpp"
#include "tools/bundle/bundle_verify.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace bundle = bodycam::tools::bundle;
namespace chain = bodycam::common::chain;
using bodycam::fuzz::require;

namespace {

// One scratch directory per process, removed at exit.
class scratch_dir {
 public:
  scratch_dir()
      : path_(std::filesystem::temp_directory_path() / ("bodycam-fuzz-bundle-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

void write_text(const std::filesystem::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  require(out.good(), "bundle_manifest", "the scratch bundle can be written");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const scratch_dir dir;
  const auto manifest = bodycam::fuzz::as_text(data, size);
  write_text(dir.path() / "manifest.json", manifest);
  write_text(dir.path() / "SHA256SUMS",
             bodycam::common::crypto::sha256(manifest).to_hex() + "  manifest.json\n");
  const auto report = bundle::verify_bundle(dir.path());
  require(report.verdict != chain::verdict::authentic && report.verdict != chain::verdict::authentic_with_gaps,
          "bundle_manifest", "a bundle without records is never authentic");
  for (const auto& f : report.findings) require(!f.code.empty(), "bundle_manifest", "every finding has a code");
  return 0;
}
