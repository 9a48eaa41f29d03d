// Fleet completeness in `bodycam audit` (tools/audit/fleet_table.hpp), through the CLI on a store the dock would
// have filled: the fleet table in text, JSON and HTML (camera, unit, enrolled, newest record, newest receipt,
// state), and camera_never_docked_overdue — a camera enrolled more than 24 h before the audit's --now with no
// footage in the store is an `overdue` finding (code camera_overdue), while the same camera audited 12 h after
// its enrollment is only "enrolled, never docked", and a camera with a chain is never overdue.
#include "common/store/directory_backend.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tests/tools/test_agency.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace bodycam::common;
namespace en = bodycam::tools::enrollment;
using bodycam::tests::evidence_camera;
using bodycam::tests::temp_dir;

namespace {

using bodycam::tests::run_bodycam;

// cam-0001 with one shift in 2026 and its dock, both enrolled from 2020-01-01; cam-0007 enrolled from then too,
// never docked.
struct fleet_setup {
  temp_dir dir{"fleet"};
  std::string store_path = (dir / "store").string();
  std::string root;
  fleet_setup() {
    auto s = store::open_directory_store(store_path, true).value();
    {
      evidence_camera cam(s, "cam-0001", 1);
      bodycam::tests::record_shift(cam, 2, std::chrono::minutes(30));
    }
    bodycam::tests::test_agency agency(s, dir / "agency");
    agency.enroll_store_keys();
    auto key = crypto::secret_key::generate();
    REQUIRE(key);
    agency.enroll(en::subject_kind::camera, {"cam-0007", key->public_key()});
    root = agency.root_file();
  }
};

}  // namespace

TEST_CASE("camera_never_docked_overdue: no footage 24 h after enrollment is an overdue finding in text and JSON",
          "[e2e]") {
  fleet_setup t;
  auto early = run_bodycam({"audit", t.store_path, "--root", t.root, "--now", "2020-01-01T12:00:00Z", "--quiet"});
  INFO(early.out << early.err);
  CHECK_THAT(early.out, Catch::Contains("FLEET (every enrolled camera"));
  CHECK_THAT(early.out, Catch::Contains("camera cam-0007 (enrollment/") &&
                            Catch::Contains("enrolled, never docked (enrolled 0 days, 12 hours ago)"));
  CHECK(early.out.find("camera_overdue") == std::string::npos);

  auto late = run_bodycam({"audit", t.store_path, "--root", t.root, "--now", "2020-01-03T06:00:00Z", "--quiet"});
  INFO(late.out << late.err);
  CHECK_THAT(late.out, Catch::Contains("| test unit | 2020-01-01T00:00:00Z | - | - | OVERDUE camera_overdue: enrolled 2 "
                                       "days, 6 hours ago, no footage in the store"));
  CHECK_THAT(late.out, Catch::Contains("1 camera is overdue"));
  // The ENROLLMENT section's line for the camera says overdue too, not "never docked".
  CHECK_THAT(late.out, Catch::Contains("): OVERDUE: no footage in the store (enrolled 2 days, 6 hours ago)"));
  CHECK(late.out.find("enrolled, never docked (enrolled 2 days") == std::string::npos);
  // cam-0001 has a chain: never overdue, with its newest record and receipt shown.
  const auto row = late.out.find("camera cam-0001 (enrollment/0) | ");
  REQUIRE(row != std::string::npos);
  const auto line = late.out.substr(row, late.out.find('\n', row) - row);
  CHECK_THAT(line, Catch::EndsWith("| has a chain in the store"));
  CHECK(line.find("| - |") == std::string::npos);
  CHECK(late.exit_code == early.exit_code);  // a listing and a finding, not a verdict

  auto json = run_bodycam({"audit", t.store_path, "--root", t.root, "--now", "2020-01-03T06:00:00Z", "--json", "--quiet"});
  auto j = nlohmann::json::parse(json.out);
  const auto& fleet = j["enrollment"]["fleet"];
  REQUIRE(fleet.size() == 2);
  std::map<std::string, nlohmann::json> by_device;
  for (const auto& f : fleet) by_device[f["device"].get<std::string>()] = f;
  CHECK(by_device["cam-0007"]["state"] == "overdue");
  CHECK_THAT(by_device["cam-0007"]["enrolled_utc"].get<std::string>(), Catch::StartsWith("2020-01-01T00:00:00"));
  CHECK(by_device["cam-0007"]["enrolled_hours"] == 54);
  CHECK(by_device["cam-0007"]["unit"] == "test unit");
  CHECK(by_device["cam-0007"]["newest_record_utc"].is_null());
  CHECK(by_device["cam-0001"]["state"] == "has_chain");
  CHECK(by_device["cam-0001"]["newest_record_utc"].is_string());
  CHECK(by_device["cam-0001"]["newest_receipt_utc"].is_string());
  REQUIRE(j["enrollment"]["fleet_findings"].size() == 1);
  CHECK(j["enrollment"]["fleet_findings"][0]["code"] == "camera_overdue");
  CHECK_THAT(j["enrollment"]["fleet_findings"][0]["detail"].get<std::string>(), Catch::StartsWith("cam-0007: "));

  const auto html_path = t.dir / "audit.html";
  auto html = run_bodycam({"audit", t.store_path, "--root", t.root, "--now", "2020-01-03T06:00:00Z", "--html",
                   html_path.string(), "--quiet"});
  INFO(html.err);
  std::ifstream in(html_path);
  std::stringstream page;
  page << in.rdbuf();
  CHECK_THAT(page.str(), Catch::Contains("<h2>Fleet</h2>") && Catch::Contains("<tr class=\"bad\"><td>cam-0007</td>"));
}

TEST_CASE("audit --now refuses a time that is not RFC 3339 UTC", "[e2e]") {
  fleet_setup t;
  auto bad = run_bodycam({"audit", t.store_path, "--root", t.root, "--now", "yesterday", "--quiet"});
  CHECK(bad.exit_code == 3);
  CHECK_THAT(bad.err + bad.out, Catch::Contains("--now"));
}
