// The simulated shift the store-log e2e suites share (one per test executable): `bodycam simulate` (one camera,
// one minute), two exports and a hold by the demo clerk, the dock's reconcile logging those entries, the witness
// cosigning; and a copy of its store per attack (cp -a), so no test changes what another sees.
#pragma once

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace bodycam::tests::log_audit {

[[nodiscard]] process_result cli(std::vector<std::string> args);
// The seq after the last '.' or '-' of an entry name ("clerk-demo.3" -> 3); names without one sort first.
[[nodiscard]] std::uint64_t trailing_number(const std::string& name);
// The newest entry of a folder (by its trailing number), as "<folder>/<name>".
[[nodiscard]] std::string newest_in(const std::filesystem::path& store_dir, const std::string& folder);

struct shift {
  temp_dir dir;
  std::filesystem::path out;
  std::string store_path;
  std::string root;
  std::string device;
  std::string session;
  std::uint64_t last_seq = 0;
  std::string last_receipt;  // receipts/<name> covering last_seq
  int baseline_exit = -1;
};

[[nodiscard]] const shift& the_shift();

// A copy of the shift's store for one attack.
struct attacked_store {
  temp_dir dir;
  std::filesystem::path path;
  explicit attacked_store(const shift& sh);
  void remove(const std::string& key) const;
  [[nodiscard]] process_result audit(const shift& sh) const;
};

}  // namespace bodycam::tests::log_audit
