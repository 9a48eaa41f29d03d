// Power cuts at every operation of write_file_durably, through the crash simulator: a file whose write was
// acknowledged holds exactly its acknowledged content after any cut, a write in flight leaves the old content
// or the new one (never a mixture, never garbage), and the negative control — the same loop with the
// directory fsync removed — finds an acknowledged file lost, which proves the simulator can fail this test.
#include "common/core/durable_file.hpp"
#include "tests/support/crash_file_system.hpp"
#include "tests/support/sync_dropping_file_system.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_seed.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <string>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace durable_file_crash_test {

using namespace bodycam::common;
using namespace bodycam::tests;
namespace fs = std::filesystem;

namespace {

core::byte_buffer text(std::string_view s) { return core::byte_buffer(s.begin(), s.end()); }

std::optional<std::string> content_of(const fs::path& path) {
  if (!fs::exists(path)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct step_spec {
  std::string name;
  std::string content;
  bool create_only;
};

const std::vector<step_spec> workload = {
    {"settings.toml", "version one", false},
    {"settings.toml", "version two, longer than the first one", false},
    {"device.key", "a key written once", true},
};

// What the files may hold after a cut, given how many steps were acknowledged; "" means "absent".
bool is_allowed(const std::string& name, const std::optional<std::string>& found, std::size_t acknowledged) {
  std::optional<std::string> last;  // last acknowledged content of this name
  std::optional<std::string> in_flight;
  for (std::size_t i = 0; i < workload.size(); ++i) {
    if (workload[i].name != name) continue;
    if (i < acknowledged) last = workload[i].content;
    else if (i == acknowledged) in_flight = workload[i].content;
  }
  return found == last || (in_flight && found == in_flight);
}

struct loop_result {
  std::uint64_t cuts = 0;
  std::uint64_t violations = 0;
  std::uint64_t lost_changes = 0;
  std::string first_violation;
};

loop_result run_cut_loop(std::uint32_t seed, int rounds, std::optional<dropped_sync> drop) {
  std::mt19937_64 rng(seed);
  loop_result result;
  for (int round = 0; round < rounds; ++round) {
    for (std::uint64_t cut_at = 1;; ++cut_at) {
      temp_dir tmp("bodycam-crash-durable");
      crash_file_system sim(tmp.path());
      std::optional<sync_dropping_file_system> dropping;
      if (drop) dropping.emplace(sim, *drop);
      core::file_system& fsys = dropping ? static_cast<core::file_system&>(*dropping) : sim;
      sim.cut_before(cut_at);
      std::size_t acknowledged = 0;
      for (const auto& s : workload) {
        if (!core::write_file_durably(fsys, tmp / s.name, text(s.content), {.create_only = s.create_only})) break;
        ++acknowledged;
      }
      const bool finished = !sim.is_powered_off();
      const auto report = sim.cut(rng);
      ++result.cuts;
      result.lost_changes += report.lost_writes + report.torn_writes + report.zeroed_writes + report.lost_name_changes;
      for (const auto* name : {"settings.toml", "device.key"}) {
        const auto found = content_of(tmp / name);
        if (!is_allowed(name, found, acknowledged)) {
          ++result.violations;
          if (result.first_violation.empty())
            result.first_violation = std::string(name) + " after a cut before operation " + std::to_string(cut_at) +
                                     " with " + std::to_string(acknowledged) + " writes acknowledged holds " +
                                     (found ? "'" + *found + "'" : "nothing");
        }
      }
      if (finished) break;  // the whole workload ran before the cut point: every point is covered
    }
  }
  return result;
}

}  // namespace

TEST_CASE("durable_file: a cut before any operation keeps every acknowledged write and no torn one", "[fault]") {
  const auto seed = test_seed("durable_file crash loop");
  const auto r = run_cut_loop(seed, 20, std::nullopt);
  INFO("seed " << seed << ": " << r.first_violation);
  CHECK(r.violations == 0);
  CHECK(r.cuts >= 20 * 15);
  CHECK(r.lost_changes > 0);  // the simulator really dropped unsynced changes
}

TEST_CASE("negative control: without the directory fsync the crash loop finds a lost acknowledged file", "[fault]") {
  const auto seed = test_seed("durable_file crash loop without directory fsync");
  const auto r = run_cut_loop(seed, 20, dropped_sync::directory);
  INFO("seed " << seed);
  CHECK(r.violations > 0);
}

}  // namespace durable_file_crash_test
