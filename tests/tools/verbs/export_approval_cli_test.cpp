// Two-person export on the command line (docs/formats/access-register.md §3 rule 5): `bodycam export
// --request`, `bodycam approve`, `bodycam export --approved` on a directory store the dock would have filled,
// with a clerk (also a supervisor) and another supervisor enrolled. The requester cannot approve their own
// request; the bundle of the approved request verifies; an export made without approval is what the audit lists.
#include "common/store/directory_backend.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tests/tools/test_agency.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam::common;
using bodycam::tests::temp_dir;

namespace {

using bodycam::tests::run_bodycam;

}  // namespace

TEST_CASE("export approval cli: request, self-approval refused, supervisor approves, approved bundle verifies",
          "[e2e]") {
  temp_dir dir;
  const std::string store_path = (dir / "store").string();
  record::session_id session;
  std::string root;
  {
    auto s = store::open_directory_store(store_path, true).value();
    bodycam::tests::evidence_camera cam(s, "cam-0001", 1);
    bodycam::tests::record_shift(cam, 2, std::chrono::minutes(30));
    session = cam.session();
    for (const char* id : {"clerk-1", "sup-1"})
      REQUIRE(run_bodycam({"keygen", "--id", id, "--out", (dir / "keys").string()}).exit_code == 0);
    bodycam::tests::test_agency agency(s, dir / "agency");
    agency.enroll_store_keys();
    agency.enroll_person(dir / "keys/clerk-1.pub", bodycam::tests::clerk_and_supervisor);
    agency.enroll_person(dir / "keys/sup-1.pub", 4);
    root = agency.root_file();
  }
  const std::string clerk_key = (dir / "keys/clerk-1.key").string();
  const std::string sup_key = (dir / "keys/sup-1.key").string();
  const std::vector<std::string> clerk{"--clerk-key", clerk_key, "--department", "records unit"};
  const auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };

  // Usage errors exit 64 and write nothing.
  CHECK(run_bodycam(with({"export", store_path, "--request", "--session", session.to_hex(), "--reference", "C-1", "--out",
                  (dir / "x").string()},
                 clerk))
            .exit_code == 64);
  CHECK(run_bodycam(with({"export", store_path, "--approved", "access/clerk-1.0", "--session", session.to_hex(), "--out",
                  (dir / "x").string(), "--reference", "CASE-2026-0042"},
                 clerk))
            .exit_code == 64);
  CHECK(run_bodycam({"approve", store_path, "not-a-request", "--clerk-key", sup_key, "--department", "d"}).exit_code == 64);

  const auto request =
      run_bodycam(with({"export", store_path, "--request", "--session", session.to_hex().substr(0, 8), "--reference",
                "CASE-2026-0042"},
               clerk));
  INFO(request.out << request.err);
  REQUIRE(request.exit_code == 0);
  CHECK_THAT(request.out, Catch::Contains("request:      access/clerk-1.0"));

  const auto self = run_bodycam({"approve", store_path, "access/clerk-1.0", "--clerk-key", clerk_key, "--department", "d"});
  CHECK(self.exit_code == 3);
  CHECK_THAT(self.err, Catch::Contains("second person"));
  const auto early = run_bodycam(with({"export", store_path, "--approved", "access/clerk-1.0", "--reference", "CASE-2026-0042",
                               "--out", (dir / "b0").string()},
                              clerk));
  CHECK(early.exit_code == 3);
  CHECK_THAT(early.err, Catch::Contains("pending, not approved"));
  CHECK_FALSE(std::filesystem::exists(dir / "b0"));

  const auto approve = run_bodycam({"approve", store_path, "access/clerk-1.0", "--clerk-key", sup_key, "--department", "d"});
  INFO(approve.out << approve.err);
  REQUIRE(approve.exit_code == 0);
  CHECK_THAT(approve.out, Catch::Contains("decision:     access/sup-1.0"));
  CHECK(run_bodycam({"approve", store_path, "access/clerk-1.0", "--clerk-key", sup_key, "--department", "d", "--refuse"})
            .exit_code == 3);  // decided already

  const auto other_case = run_bodycam(with({"export", store_path, "--approved", "access/clerk-1.0", "--reference", "CASE-9",
                                    "--out", (dir / "b1").string()},
                                   clerk));
  CHECK(other_case.exit_code == 3);
  CHECK_THAT(other_case.err, Catch::Contains("is not the reference of request"));
  const auto built = run_bodycam(with({"export", store_path, "--approved", "access/clerk-1.0", "--reference",
                               "CASE-2026-0042", "--out", (dir / "bundle").string(), "--quiet"},
                              clerk));
  INFO(built.out << built.err);
  REQUIRE(built.exit_code == 0);
  const auto verified = run_bodycam({"verify", (dir / "bundle").string()});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);

  // An export without approval is still made, and the audit lists it; the approved one it does not.
  REQUIRE(run_bodycam(with({"export", store_path, "--session", session.to_hex(), "--reference", "CASE-9", "--out",
                    (dir / "unapproved").string(), "--quiet"},
                   clerk))
              .exit_code == 0);
  const auto audit = run_bodycam({"audit", store_path, "--root", root, "--json"});
  const auto j = nlohmann::json::parse(audit.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  const auto& findings = j.at("enrollment").at("approval_findings");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].at("code") == "export_unapproved");
  CHECK(findings[0].at("entry").get<std::string>().starts_with("access/clerk-1."));
  CHECK(j.at("enrollment").at("problems").empty());
}
