// `bodycam simulate` end to end: three camera processes, a power loss, docking, bodycam-dockd, the store and
// the audit — the README's first command, checked the way a clerk would read its result.
#include "common/receipt/receipt.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using bodycam::tests::built_program;
using bodycam::tests::run_process;
using bodycam::tests::slurp;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;
namespace store = bodycam::common::store;

TEST_CASE("a simulated shift ends with every camera's footage stored, receipted and audited", "[e2e]") {
  temp_dir dir;
  const fs::path out = dir / "shift";
  auto sim = run_process({built_program("bodycam"), "simulate", "--out", out.string(), "--cameras", "3", "--minutes",
                          "1"},
                         std::chrono::minutes(8));
  INFO(sim.out << sim.err);
  // 1: authentic with documented gaps — the power loss is a gap, explained by its records.
  REQUIRE(sim.exit_code == 1);
  CHECK(sim.out.find("store:   " + fs::absolute(out / "store").string()) != std::string::npos);
  CHECK(sim.out.find("POWER LOST") != std::string::npos);

  auto s = store::open_directory_store(out / "store", false);
  REQUIRE(s);
  auto devices = s->list_devices();
  REQUIRE(devices);
  REQUIRE(devices->size() == 3);

  // Every camera: records stored, a dock receipt in the store that verifies and covers them.
  auto receipts = s->list_entries(store::entry_namespace::receipts);
  REQUIRE(receipts);
  for (const auto& device : *devices) {
    auto seqs = s->list_record_seqs(device);
    REQUIRE(seqs);
    CHECK(seqs->size() > 8);
    std::uint64_t covered = 0;
    for (const auto& name : *receipts) {
      if (name.rfind(device.str() + ".", 0) != 0) continue;
      auto doc = s->get_entry(store::entry_namespace::receipts, name);
      REQUIRE(doc);
      auto r = bodycam::common::receipt::parse(*doc);
      REQUIRE(r);
      CHECK(bodycam::common::receipt::verify_signature(*r));
      covered = std::max(covered, r->body.end_seq);
    }
    CHECK(covered > 8);
  }

  // The audit tells the story: every device, the power loss on cam-0002 with its reason, statements.
  const auto json = nlohmann::json::parse(slurp(out / "reports/audit.json"), nullptr, false);
  REQUIRE_FALSE(json.is_discarded());
  const std::string text = slurp(out / "reports/audit.txt");
  CHECK(text.find("cam-0001") != std::string::npos);
  CHECK(text.find("cam-0003") != std::string::npos);
  CHECK(text.find("power_loss") != std::string::npos);
  CHECK(fs::file_size(out / "reports/audit.html") > 1000);
  // The camera that lost power salvaged its open segment and wrote what happened.
  CHECK(slurp(out / "reports/verify.txt").find("recovery") != std::string::npos);
}
