// `bodycam note` and `bodycam stats` as an officer, a clerk and a supervisor run them on a directory store the
// dock would have filled, with an enrollment register made by the test agency: who may note which session,
// validation, the history report, and statistics over the catalogue in text, CSV and JSON.
#include "common/store/directory_backend.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tools/evidence_store_builder.hpp"
#include "tests/tools/test_agency.hpp"
#include "tools/enrollment/enrollment_entry.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam::common;
namespace en = bodycam::tools::enrollment;
using bodycam::tests::temp_dir;

namespace {

bodycam::tests::process_result cli(std::vector<std::string> args) { return bodycam::tests::run_bodycam(std::move(args)); }

struct noting_agency {
  temp_dir dir{"bodycam-note-cli"};
  std::string store_path = dir / "store";
  std::string root;
  std::string session;  // the shift's session id
  std::string second_session;

  noting_agency() {
    auto s = store::open_directory_store(store_path, true).value();
    bodycam::tests::evidence_camera cam(s, "cam-0001", 1);
    bodycam::tests::record_shift(cam, 2, std::chrono::minutes(45));
    session = cam.session().to_hex();
    bodycam::tests::record_shift(cam, 1, std::chrono::hours(40));  // a late upload
    second_session = cam.session().to_hex();
    for (const char* id : {"officer-7", "officer-8", "officer-9", "clerk-1", "auditor-1"}) {
      auto keygen = cli({"keygen", "--id", id, "--out", dir / "keys"});
      if (keygen.exit_code != 0) throw std::runtime_error(keygen.err);
    }
    bodycam::tests::test_agency agency(s, dir / "agency");
    agency.enroll_store_keys();  // the camera in "test unit"
    const auto person = [&](const char* id, en::role r, const char* unit) {
      agency.enroll(en::subject_kind::person, crypto::load_public_key(dir / (std::string("keys/") + id + ".pub")).value(),
                    static_cast<std::uint8_t>(r), unit);
    };
    person("officer-7", en::role::officer, "test unit");
    person("officer-8", en::role::officer, "test unit");  // the camera's unit, not on the session
    person("officer-9", en::role::officer, "other unit");
    person("clerk-1", en::role::clerk, "records");
    person("auditor-1", en::role::auditor, "test unit");
    root = agency.root_file();
  }
  std::vector<std::string> note(const char* who, std::vector<std::string> fields) {
    std::vector<std::string> args{"note", store_path, "--session", session, "--key",
                                  dir / (std::string("keys/") + who + ".key"), "--person", who};
    args.insert(args.end(), fields.begin(), fields.end());
    return args;
  }
  std::size_t stored_notes() const {
    auto s = store::open_directory_store(store_path, false).value();
    auto names = s.list_entries(store::entry_namespace::notes);
    return names ? names->size() : 0;
  }
};

}  // namespace

TEST_CASE("bodycam note: an officer notes a session they wore or joined (A4), a clerk any; others are refused",
          "[integration]") {
  noting_agency t;
  auto officer = cli(t.note("officer-7", {"--place", "Rue de la Gare 4", "--case", "CASE-2026-0042", "--category",
                                          "traffic", "--text", "Driver refused the breath test"}));
  INFO(officer.out << officer.err);
  REQUIRE(officer.exit_code == 0);
  CHECK(officer.out.find("noted notes/officer-7.0") != std::string::npos);
  CHECK(t.stored_notes() == 1);

  auto other_unit = cli(t.note("officer-9", {"--text", "not my camera"}));
  CHECK(other_unit.exit_code == 2);
  CHECK(other_unit.err.find("neither wore the camera nor joined the session") != std::string::npos);
  // The camera's unit is not enough: officer-8 is of "test unit" but not an officer of the session.
  auto same_unit = cli(t.note("officer-8", {"--text", "my unit's camera, not my session"}));
  CHECK(same_unit.exit_code == 2);
  CHECK(same_unit.err.find("neither wore the camera nor joined the session") != std::string::npos);
  auto auditor = cli(t.note("auditor-1", {"--text", "auditors do not note"}));
  CHECK(auditor.exit_code == 2);
  auto wrong_person = cli({"note", t.store_path, "--session", t.session, "--key", t.dir / "keys/officer-7.key",
                           "--person", "clerk-1", "--text", "x"});
  CHECK(wrong_person.exit_code == 3);
  auto bad_category = cli(t.note("clerk-1", {"--category", "parking"}));
  CHECK(bad_category.exit_code == 3);
  CHECK(bad_category.err.find("not in the list") != std::string::npos);
  auto control = cli(t.note("clerk-1", {"--place", "bell\x07"}));
  CHECK(control.exit_code == 3);
  auto nothing = cli(t.note("clerk-1", {}));
  CHECK(nothing.exit_code == 3);
  CHECK(t.stored_notes() == 1);  // none of the refused notes was written

  auto clerk = cli(t.note("clerk-1", {"--category", "evidence", "--party", "Jeanne Dupont"}));
  INFO(clerk.err);
  REQUIRE(clerk.exit_code == 0);
  CHECK(t.stored_notes() == 2);

  SECTION("--history shows the current values and every change, in text and JSON") {
    auto text = cli({"note", t.store_path, "--session", t.session.substr(0, 8), "--history"});
    INFO(text.out << text.err);
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("category evidence") != std::string::npos);
    CHECK(text.out.find("notes/officer-7.0  category traffic") != std::string::npos);
    auto json = cli({"note", t.store_path, "--session", t.session, "--history", "--json"});
    REQUIRE(json.exit_code == 0);
    const auto j = nlohmann::json::parse(json.out);
    CHECK(j["format"] == "bodycam-note-history");
    CHECK(j["version"] == 1);
    CHECK(j["current"]["category"] == "evidence");
    CHECK(j["current"]["case"] == "CASE-2026-0042");
    CHECK(j["history"].size() == 6);
    CHECK(j["findings"].empty());
  }
  SECTION("stats: per officer and per unit, with notes, late uploads, in text, CSV and JSON") {
    auto json = cli({"stats", t.store_path, "--by", "officer", "--period", "month", "--root", t.root, "--json"});
    INFO(json.out << json.err);
    REQUIRE(json.exit_code == 0);
    const auto j = nlohmann::json::parse(json.out);
    CHECK(j["format"] == "bodycam-stats");
    REQUIRE(j["cells"].size() == 1);
    const auto& c = j["cells"][0];
    CHECK(c["group"] == "officer-7");
    CHECK(c["period"] == "2026-01");
    CHECK(c["sessions"] == 2);
    CHECK(c["noted"] == 1);
    CHECK(c["categorised"] == 1);
    CHECK(c["late_uploads"] == 1);
    CHECK(c["noted_share"] == Approx(0.5));
    auto by_unit = cli({"stats", t.store_path, "--by", "unit", "--period", "day", "--root", t.root, "--csv"});
    REQUIRE(by_unit.exit_code == 0);
    CHECK(by_unit.out.rfind("unit,period,sessions,hours,", 0) == 0);
    CHECK(by_unit.out.find("test unit,2026-01-10,2,") != std::string::npos);
    auto catalogue = t.dir / "catalogue.db";
    auto text = cli({"stats", t.store_path, "--period", "week", "--catalogue", catalogue});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("officer-7") != std::string::npos);
    CHECK(std::filesystem::exists(catalogue));
    auto outside = cli({"stats", t.store_path, "--from", "2026-02-01T00:00:00Z", "--json"});
    REQUIRE(outside.exit_code == 0);
    CHECK(nlohmann::json::parse(outside.out)["cells"].empty());
    CHECK(cli({"stats", t.store_path, "--by", "squad"}).exit_code == 64);
    CHECK(cli({"stats", t.store_path, "--catalogue", t.store_path + "/catalogue.db"}).exit_code == 3);  // inside a store
  }
}
