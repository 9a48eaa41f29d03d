// `bodycam simulate` end to end: three camera processes, a power loss, a low battery and a battery swap, docking, bodycam-dockd, the store and
// the audit — the README's first command, checked the way a clerk would read its result. The --out folders
// are what users pass: relative to the working directory, absolute, with spaces, and deep enough that the
// cameras' control sockets lie past the 107 bytes a Unix socket address holds.
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
#include <string>
#include <vector>

using bodycam::tests::built_program;
using bodycam::tests::run_process;
using bodycam::tests::slurp;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;
namespace store = bodycam::common::store;

// The size the e2e runs record at: small frames, so three cameras encode in real time beside the other tests.
const std::vector<std::string> small_video{"--resolution", "320x240", "--fps", "15", "--segment-seconds", "10"};

// Runs `bodycam simulate` with the working directory set to `cwd` (restored afterwards).
bodycam::tests::process_result simulate_in(const fs::path& cwd, std::vector<std::string> args) {
  const fs::path before = fs::current_path();
  fs::current_path(cwd);
  std::vector<std::string> argv{built_program("bodycam"), "simulate"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), small_video.begin(), small_video.end());
  auto result = run_process(argv, std::chrono::minutes(8));
  fs::current_path(before);
  return result;
}

TEST_CASE("a simulated shift ends with every camera's footage stored, receipted and audited", "[e2e]") {
  temp_dir dir;
  // Relative, with spaces, and so deep that <out>/cameras/cam-0001/control.sock is over 107 bytes.
  fs::path relative = "shift out";
  while ((fs::path(dir.path()) / relative / "cameras/cam-0001/control.sock").string().size() <= 140)
    relative /= "a deeper folder";
  const fs::path out = fs::path(dir.path()) / relative;
  auto sim = simulate_in(dir.path(), {"--out", relative.string(), "--cameras", "3", "--minutes", "1"});
  INFO(sim.out << sim.err);
  // 1: authentic with documented gaps — the power loss is a gap, explained by its records.
  REQUIRE(sim.exit_code == 1);
  CHECK(sim.out.find("store:   " + (out / "store").string()) != std::string::npos);
  CHECK_FALSE(fs::exists(out / "cameras/cam-0001" / relative));  // no path was taken relative twice
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
  // The field camera (cam-0001 keeps its power): two officers, the action with its case number, a mark.
  const nlohmann::json* field = nullptr;
  for (const auto& d : json.at("devices"))
    if (d.at("device") == "cam-0001") field = &d;
  REQUIRE(field != nullptr);
  REQUIRE(field->at("sessions").size() == 1);
  const auto& session = field->at("sessions").at(0);
  CHECK(session.at("officers") == nlohmann::json::array({"PC-4711", "PC-4711-partner"}));
  REQUIRE(session.at("officer_changes").size() == 2);
  CHECK(session.at("officer_changes").at(0).at("change") == "join");
  CHECK(session.at("officer_changes").at(1).at("change") == "leave");
  REQUIRE(session.at("actions").size() == 1);
  CHECK(session.at("actions").at(0).at("action") == "inspection");
  CHECK(session.at("actions").at(0).at("case_number") == "CASE-SIM-0001");
  REQUIRE(session.at("marks").size() == 1);
  CHECK(session.at("marks").at(0).at("label") == "important moment");
  CHECK(session.at("actions").at(0).at("seq") < session.at("marks").at(0).at("seq"));
  CHECK(text.find("officers: PC-4711, PC-4711-partner") != std::string::npos);
  CHECK(text.find("action inspection, case CASE-SIM-0001") != std::string::npos);
  CHECK(text.find("important moment (record ") != std::string::npos);
  // The photo taken with the mark: its file stored, found by hash, shown in the report.
  REQUIRE(session.at("photos").size() == 1);
  CHECK(session.at("photos").at(0).at("state") == "verified");  // re-hashed against the record
  CHECK(session.at("photos").at(0).at("seq") > session.at("marks").at(0).at("seq"));
  CHECK(text.find("  photo ") != std::string::npos);
  const std::string photo_file = session.at("photos").at(0).at("file_name").get<std::string>();
  CHECK(slurp(out / "reports/audit.html").find("<td>" + photo_file + "</td>") != std::string::npos);
  CHECK(slurp(out / "reports/audit.html").find("officer PC-4711-partner joined") != std::string::npos);
  // cam-0001 walked down a street (gpsfake's track): its session starts with a place with a fix and every
  // segment has its place; the text report lists them.
  const auto& places = session.at("places");
  REQUIRE(places.size() >= 2);
  CHECK(places.at(0).at("trigger") == "session_start");
  CHECK(places.at(0).at("fix") != "none");
  CHECK(places.at(0).at("latitude_e7") == 481'372'000);
  std::size_t segment_places = 0;
  for (const auto& p : places) segment_places += p.at("trigger") == "segment" ? 1U : 0U;
  CHECK(segment_places == session.at("segments").size());
  CHECK(text.find("place (record ") != std::string::npos);
  CHECK(text.find("48.1372000 N") != std::string::npos);
  // The other cameras recorded none of it.
  for (const auto& d : json.at("devices"))
    if (d.at("device") != "cam-0001")
      for (const auto& other : d.at("sessions")) {
        CHECK(other.at("actions").empty());
        CHECK(other.at("places").empty());  // no receiver configured
      }
  // cam-0003 ran its battery down: stopped automatically (low_battery), battery swapped (off, booted again),
  // record pressed: the same session resumed with a spoken resume statement, and the officer stopped it.
  const nlohmann::json* battery = nullptr;
  for (const auto& d : json.at("devices"))
    if (d.at("device") == "cam-0003") battery = &d;
  REQUIRE(battery != nullptr);
  REQUIRE(battery->at("sessions").size() == 1);
  const auto& swapped = battery->at("sessions").at(0);
  CHECK(swapped.at("stop_reason") == "officer_end");
  int low_battery_gaps = 0;
  for (const auto& g : swapped.at("interruptions"))
    if (g.at("reason") == "low_battery") {
      ++low_battery_gaps;
      CHECK(g.at("statement") == "present");
      CHECK(g.at("resume_statement") == true);
    }
  CHECK(low_battery_gaps == 1);
  CHECK(text.find("low_battery") != std::string::npos);
  CHECK(sim.out.find("cam-0003: BATTERY AT THE RESERVE") != std::string::npos);
  CHECK(sim.out.find("cam-0003: battery swapped") != std::string::npos);
  // Every interruption that stopped a session is explained by a resume statement of its own: the session has
  // at least as many recorded resume statements as such interruptions; the power loss on cam-0002 and the low
  // battery on cam-0003 are among them.
  int stopping = 0;
  for (const auto& d : json.at("devices"))
    for (const auto& sj : d.at("sessions")) {
      int needing = 0, resume_statements = 0;
      for (const auto& g : sj.at("interruptions")) {
        INFO(d.at("device") << " " << g.dump());
        if (g.at("reason") == "back_pressure" || g.at("reason") == "source_gap") continue;  // nothing stopped
        ++needing;
        CHECK(g.at("statement") == "present");
      }
      for (const auto& st : sj.at("statements"))
        if (st.at("purpose") == "resume" && st.at("status") == "recorded") ++resume_statements;
      INFO(d.at("device") << " session " << sj.at("session"));
      CHECK(resume_statements >= needing);
      stopping += needing;
    }
  CHECK(stopping >= 2);
  // The text report says it of each: every interruption line ends "[explained]" (or "[recording_went_on]").
  {
    std::istringstream lines(text);
    std::string line;
    int explained_lines = 0;
    while (std::getline(lines, line)) {
      if (line.find("  interruption (record ") == std::string::npos) continue;
      INFO(line);
      const bool explained = line.ends_with("[explained]");
      CHECK((explained || line.ends_with("[recording_went_on]")));
      explained_lines += explained ? 1 : 0;
    }
    CHECK(explained_lines >= 2);
  }
  // The camera that lost power salvaged its open segment and wrote what happened.
  CHECK(slurp(out / "reports/verify.txt").find("recovery") != std::string::npos);
}

TEST_CASE("a simulated shift runs into an absolute --out with spaces and records at the size asked for", "[e2e]") {
  temp_dir dir;
  const fs::path out = fs::path(dir.path()) / "evidence of \"the\" night shift";
  auto sim = simulate_in("/", {"--out", out.string(), "--cameras", "1", "--minutes", "1"});
  INFO(sim.out << sim.err);
  REQUIRE(sim.exit_code <= 1);
  auto s = store::open_directory_store(out / "store", false);
  REQUIRE(s);
  auto devices = s->list_devices();
  REQUIRE(devices);
  REQUIRE(devices->size() == 1);
  auto seqs = s->list_record_seqs(devices->front());
  REQUIRE(seqs);
  CHECK(seqs->size() >= 6);  // boot, precheck, start, at least one segment, statements, stop
  const std::string config = slurp(out / "cameras/cam-0001/recorder.toml");
  CHECK(config.find("width = 320\nheight = 240\nfps = 15") != std::string::npos);
  CHECK(config.find("duration_seconds = 10") != std::string::npos);
}

TEST_CASE("simulate refuses a malformed size naming the option", "[e2e]") {
  temp_dir dir;
  auto sim = run_process({built_program("bodycam"), "simulate", "--out", (dir / "x").string(), "--resolution", "720p"});
  CHECK(sim.exit_code == 3);
  CHECK(sim.err.find("--resolution") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "x" / "store"));
}
