// The ledger's own file system fills up while recording: a real tmpfs of a few MB holds only the ledger, so
// SQLite meets SQLITE_FULL on the production path (the port VFS over POSIX: ENOSPC → SQLITE_FULL). What must
// hold: the recorder stops recording with `storage_full` (an automatic stop, not a ledger fault) and says
// why, no acknowledged record or fragment is lost, the chain verifies, nothing on disk is deleted; once space
// is freed the stop's records go in and a start resumes the same session with a resume statement, one
// explained interruption. The tmpfs is mounted by the test (root): a test that cannot mount it fails rather
// than fall back.
#include "common/record/record.hpp"
#include "tests/firmware/recorder/recorder_test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <set>
#include <thread>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace ledger_full_e2e_test {

using namespace bodycam::common;
using namespace bodycam::tests;
namespace fs = std::filesystem;
using json = nlohmann::json;

TEST_CASE("ledger_full: SQLITE_FULL while recording stops the recording, alarmed, and loses nothing", "[fault]") {
  test_camera cam(1);
  const fs::path ledger_dir = cam.dir / "ledgerfs";
  small_disk disk(ledger_dir, "8m");
  REQUIRE(disk.error().empty());  // the test needs a file system it can fill (root: mount tmpfs)
  cam.move_ledger(ledger_dir / "ledger.db");
  auto daemon = cam.start_daemon("recorder");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());
  auto [started, status] = start_recording(cam);
  REQUIRE(started["ok"] == true);
  REQUIRE(status["state"] == "recording");

  // What the ledger has acknowledged before its disk fills: records and fragment rows.
  std::vector<record::signed_record> acknowledged = cam.records();
  std::vector<ledger::fragment_entry> fragments;
  {
    auto l = cam.open_ledger();
    for (auto state : {ledger::file_state::partial, ledger::file_state::sealed}) {
      const auto files = l.files_in_state(state).value();
      for (const auto& file : files) {
        const auto rows = l.fragments(file.name).value();
        fragments.insert(fragments.end(), rows.begin(), rows.end());
      }
    }
  }
  REQUIRE(acknowledged.size() >= 4);  // boot, precheck, session_start and more

  const fs::path filler = ledger_dir / "filler.bin";
  {
    const auto space = fs::space(ledger_dir);
    std::ofstream out(filler, std::ios::binary);
    const std::vector<char> block(4096, 'x');
    for (std::uintmax_t left = space.available; left >= block.size(); left -= block.size())
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
  }
  status = wait_for(cam, [](const json& s) { return s["state"] != "recording"; }, std::chrono::seconds(20));
  CHECK(status["state"] != "recording");  // no recording on without a ledger
  REQUIRE(status["note"].is_string());
  CHECK(status["note"].get<std::string>().find("full") != std::string::npos);  // the stop names the full disk
  CHECK(fs::exists(filler));  // the condition really happened: the filler still takes the space

  fs::remove(filler);
  daemon->signal(SIGTERM);
  (void)daemon->wait(std::chrono::seconds(30));

  // Every acknowledged record is there unchanged, the chain verifies, every acknowledged fragment is on disk.
  const auto after = cam.records();
  REQUIRE(after.size() >= acknowledged.size());
  for (std::size_t i = 0; i < acknowledged.size(); ++i) CHECK(after[i].bytes == acknowledged[i].bytes);
  CHECK(cam.verify().problem_count() == 0);
  for (const auto& f : fragments) {
    const fs::path final_path = fs::path(cam.segments) / f.file_name;
    fs::path partial = final_path;
    partial += ".partial";
    CHECK((hash_range(final_path, f.byte_offset, f.byte_length) == f.sha256 ||
           hash_range(partial, f.byte_offset, f.byte_length) == f.sha256));
  }
  // Nothing deleted: every segment file the ledger knows is on disk (final or still .partial).
  auto l = cam.open_ledger();
  for (auto state : {ledger::file_state::partial, ledger::file_state::sealed}) {
    const auto files = l.files_in_state(state).value();
    for (const auto& file : files) {
      const fs::path p = fs::path(cam.segments) / file.name;
      CHECK((fs::exists(p) || fs::exists(fs::path(p.string() + ".partial"))));
    }
  }
}

namespace {

void fill(const fs::path& file, const fs::path& disk) {
  const auto space = fs::space(disk);
  std::ofstream out(file, std::ios::binary);
  const std::vector<char> block(4096, 'x');
  for (std::uintmax_t left = space.available; left >= block.size(); left -= block.size())
    out.write(block.data(), static_cast<std::streamsize>(block.size()));
}

template <class Payload>
std::vector<std::pair<std::uint64_t, Payload>> of_kind(const std::vector<record::signed_record>& records) {
  std::vector<std::pair<std::uint64_t, Payload>> out;
  for (const auto& r : records)
    if (const auto* p = std::get_if<Payload>(&r.body.body)) out.emplace_back(r.body.seq, *p);
  return out;
}

}  // namespace

TEST_CASE("ledger_full: SQLITE_FULL is storage_full: interrupted, explained once, resumed once space is freed",
          "[fault]") {
  test_camera cam(1);
  const fs::path ledger_dir = cam.dir / "ledgerfs";
  small_disk disk(ledger_dir, "8m");
  REQUIRE(disk.error().empty());  // the test needs a file system it can fill (root: mount tmpfs)
  cam.move_ledger(ledger_dir / "ledger.db");
  auto daemon = cam.start_daemon("recorder");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());
  auto [started, status] = start_recording(cam);
  REQUIRE(started["ok"] == true);
  REQUIRE(status["state"] == "recording");
  const std::string session = started["session"];
  const std::vector<record::signed_record> acknowledged = cam.records();
  REQUIRE(acknowledged.size() >= 4);

  // The ledger's disk fills: an automatic stop for storage_full, not a fault.
  const fs::path filler = ledger_dir / "filler.bin";
  fill(filler, ledger_dir);
  status = wait_for(cam, [](const json& s) { return s["state"] != "recording"; }, std::chrono::seconds(20));
  REQUIRE(status["state"] == "interrupted");
  REQUIRE(status["note"].is_string());
  CHECK(status["note"].get<std::string>().find("storage_full") != std::string::npos);
  CHECK(fs::space(ledger_dir).available < 64 * 1024);  // the condition really happened: the disk is full
  // The state holds while the disk stays full (no fault, no silent resume).
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(json::parse(cam.request(R"({"cmd":"status"})"))["state"] == "interrupted");

  // Space freed: the stop's records go in, and a start resumes the same session with a resume statement.
  fs::remove(filler);
  auto resumed = json::parse(cam.request(R"({"cmd":"start"})"));
  INFO(resumed.dump());
  REQUIRE(resumed["ok"] == true);
  CHECK(resumed["session"] == session);
  status = wait_for(cam, [](const json& s) { return s["state"] == "recording" && s["segment"].is_number(); },
                    std::chrono::seconds(30));
  REQUIRE(status["state"] == "recording");
  REQUIRE(json::parse(cam.request(R"({"cmd":"stop","reason":"officer_end"})"))["ok"] == true);
  REQUIRE(wait_for_state(cam, "idle", std::chrono::seconds(30))["state"] == "idle");
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);

  // A restart finds nothing wrong: the camera boots idle, not in fault.
  daemon = cam.start_daemon("recorder-2");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  CHECK(json::parse(cam.request(R"({"cmd":"status"})"))["state"] == "idle");
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);

  // Nothing acknowledged is lost and the chain verifies.
  const auto after = cam.records();
  REQUIRE(after.size() > acknowledged.size());
  for (std::size_t i = 0; i < acknowledged.size(); ++i) CHECK(after[i].bytes == acknowledged[i].bytes);
  CHECK(cam.verify().problem_count() == 0);

  // Exactly one explained interruption: one storage_full interruption, one storage_full stop, one resume
  // naming that stop, a resume statement after it, and the officer's stop at the end.
  const auto parsed = record::session_id::parse(session).value();
  std::vector<std::pair<std::uint64_t, record::interruption_payload>> gaps;
  for (auto& g : of_kind<record::interruption_payload>(after))
    if (g.second.session == parsed) gaps.push_back(g);
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0].second.reason == record::interruption_reason::storage_full);
  const auto stops = of_kind<record::session_stop_payload>(after);
  REQUIRE(stops.size() == 2);
  CHECK(stops[0].second.reason == record::stop_reason::storage_full);
  CHECK(stops[1].second.reason == record::stop_reason::officer_end);
  CHECK(gaps[0].first < stops[0].first);
  const auto resumes = of_kind<record::session_resume_payload>(after);
  REQUIRE(resumes.size() == 1);
  CHECK(resumes[0].second.session == parsed);
  CHECK(resumes[0].second.resumes_seq == stops[0].first);
  CHECK(stops[0].first < resumes[0].first);
  bool resume_statement = false;
  for (const auto& [seq, a] : of_kind<record::annotation_payload>(after))
    if (a.purpose == record::annotation_purpose::resume && a.session == parsed && seq > resumes[0].first)
      resume_statement = true;
  CHECK(resume_statement);
  // Every segment of the session is in the chain once, indices 0, 1, 2, … without a hole.
  const auto segments = of_kind<record::segment_payload>(after);
  REQUIRE(!segments.empty());
  for (std::size_t i = 0; i < segments.size(); ++i) CHECK(segments[i].second.index == i);
  CHECK(stops[1].second.segment_count == segments.size());
  // Every segment file the pipeline wrote, also while the ledger's disk was full, has its record.
  std::set<std::string> recorded;
  for (const auto& [seq, p] : segments) recorded.insert(p.file_name);
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(cam.segments)) {
    if (entry.path().extension() != ".mp4") continue;
    ++files;
    CHECK(recorded.count(entry.path().filename().string()) == 1);
  }
  CHECK(files == segments.size());
}

}  // namespace ledger_full_e2e_test
