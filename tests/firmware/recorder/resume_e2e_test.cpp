// Resume after an automatic stop, end to end through bodycam-recorder with the fake sysfs battery and the
// synthetic camera: the battery reaches the reserve (automatic stop), comes back (a swap) and a start within
// the resume window continues the same session with a resume statement — also across a daemon restart (a
// swap powers the camera off); after the window, or after an officer's stop, a start is a new session; and
// storage freed while docked (a small tmpfs filled, then emptied) resumes as well.
#include "common/record/record.hpp"
#include "tests/firmware/recorder/recorder_test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/mount.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <set>
#include <thread>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace resume_e2e_test {

using namespace bodycam::common;
using namespace bodycam::tests;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string make_statement(const test_camera& cam) {
  return cam.spoken_wav("statement.wav", "Battery changed. Same incident, still on Main Street.", "0.3", "2");
}

// Records until one segment is sealed, then lets the battery fall to the reserve: returns the status.
json record_until_low_battery(test_camera& cam, std::uint32_t segments_before) {
  auto status = wait_for(cam, [&](const json& s) { return s["state"] == "recording" && s["segment"].is_number() &&
                                                          s["segment"].get<std::uint32_t>() > segments_before; },
                         std::chrono::seconds(40));
  REQUIRE(status["state"] == "recording");
  cam.set_battery("5");
  status = wait_for_state(cam, "interrupted", std::chrono::seconds(20));
  REQUIRE(status["state"] == "interrupted");
  CHECK(status["note"].get<std::string>().find("low_battery") != std::string::npos);
  return status;
}

struct chain_story {
  std::vector<record::session_start_payload> starts;
  std::vector<std::pair<std::uint64_t, record::session_resume_payload>> resumes;
  std::vector<std::pair<std::uint64_t, record::session_stop_payload>> stops;
  std::vector<record::annotation_payload> statements;
  std::vector<record::segment_payload> segments;
};

chain_story read_story(const test_camera& cam) {
  chain_story out;
  for (const auto& r : cam.records()) {
    if (auto* p = std::get_if<record::session_start_payload>(&r.body.body)) out.starts.push_back(*p);
    if (auto* p = std::get_if<record::session_resume_payload>(&r.body.body)) out.resumes.emplace_back(r.body.seq, *p);
    if (auto* p = std::get_if<record::session_stop_payload>(&r.body.body)) out.stops.emplace_back(r.body.seq, *p);
    if (auto* p = std::get_if<record::annotation_payload>(&r.body.body)) out.statements.push_back(*p);
    if (auto* p = std::get_if<record::segment_payload>(&r.body.body)) out.segments.push_back(*p);
  }
  return out;
}

}  // namespace

TEST_CASE("battery swap: automatic stop, battery back, start = resume of the same session, also after a reboot",
          "[e2e]") {
  test_camera cam(1, 2);
  cam.use_statement_file(make_statement(cam));
  auto daemon = cam.start_daemon("recorder");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());

  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // the 2 s pre-event ring fills
  auto started = json::parse(cam.request(R"({"cmd":"start","trigger":"button"})"));
  REQUIRE(started["ok"] == true);
  const std::string session = started["session"];
  record_until_low_battery(cam, 0);

  // Battery back (swapped without a reboot): the start resumes, with a resume statement.
  cam.set_battery("95");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // the ring refills after the stop
  auto resumed = json::parse(cam.request(R"({"cmd":"start","trigger":"button"})"));
  REQUIRE(resumed["ok"] == true);
  CHECK(resumed["state"] == "annotating_resume");
  CHECK(resumed["session"] == session);
  auto status = record_until_low_battery(cam, 0);
  // A second resume within the same boot: its statement file must not collide with the first one's.
  cam.set_battery("95");
  resumed = json::parse(cam.request(R"({"cmd":"start","trigger":"control"})"));
  REQUIRE(resumed["ok"] == true);
  CHECK(resumed["session"] == session);
  status = record_until_low_battery(cam, 0);

  // This time the swap powers the camera off: the resume is found in the ledger at the next boot.
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);
  cam.set_battery("95");
  daemon = cam.start_daemon("recorder-2");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  status = json::parse(cam.request(R"({"cmd":"status"})"));
  CHECK(status["state"] == "interrupted");
  resumed = json::parse(cam.request(R"({"cmd":"button"})"));
  REQUIRE(resumed["ok"] == true);
  CHECK(resumed["state"] == "annotating_resume");
  CHECK(resumed["session"] == session);
  status = wait_for(cam, [](const json& s) { return s["state"] == "recording" && s["segment"].is_number(); },
                    std::chrono::seconds(40));
  REQUIRE(status["state"] == "recording");
  // The officer's stop ends it; a start after that is a new session.
  REQUIRE(json::parse(cam.request(R"({"cmd":"stop","reason":"officer_end"})"))["ok"] == true);
  REQUIRE(wait_for_state(cam, "idle", std::chrono::seconds(30))["state"] == "idle");
  auto fresh = json::parse(cam.request(R"({"cmd":"start"})"));
  REQUIRE(fresh["ok"] == true);
  CHECK(fresh["state"] == "annotating_start");
  CHECK(fresh["session"] != session);
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);

  const auto story = read_story(cam);
  REQUIRE(story.starts.size() == 2);
  CHECK(story.starts[0].session.to_hex() == session);
  // The pre-event footage the ring held is recorded (2 s configured, 1 s GOPs: 2 s to 3 s once full).
  CHECK(story.starts[0].pre_event >= std::chrono::seconds(2));
  CHECK(story.starts[0].pre_event <= std::chrono::seconds(3));
  CHECK(story.starts[1].pre_event <= std::chrono::seconds(3));
  REQUIRE(story.resumes.size() == 3);
  REQUIRE(story.stops.size() >= 5);
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("resume " << i);
    const auto& [seq, resume] = story.resumes[i];
    CHECK(resume.session.to_hex() == session);
    CHECK(resume.officer_id == "officer-7");
    // It names the automatic stop just before it.
    const auto& [stop_seq, stop] = story.stops[i];
    CHECK(resume.resumes_seq == stop_seq);
    CHECK(stop_seq < seq);
    CHECK(stop.reason == record::stop_reason::low_battery);
    CHECK(stop.session.to_hex() == session);
    // What the ring held at the resume: full after the wait in the same boot; whatever the new boot had.
    if (i == 0) CHECK(resume.pre_event >= std::chrono::seconds(2));
    CHECK(resume.pre_event <= std::chrono::seconds(3));
  }
  CHECK(story.stops[3].second.reason == record::stop_reason::officer_end);
  CHECK(story.stops[3].second.session.to_hex() == session);
  // Statements: one start, three resume (recorded from the file microphone), one stop for the session.
  std::vector<record::annotation_purpose> purposes;
  for (const auto& a : story.statements)
    if (a.session.to_hex() == session) purposes.push_back(a.purpose);
  using ap = record::annotation_purpose;
  CHECK(purposes == std::vector<ap>{ap::start, ap::resume, ap::resume, ap::resume, ap::stop});
  std::set<std::string> statement_files;
  for (const auto& a : story.statements) {
    if (a.purpose == ap::resume) CHECK(a.status == record::annotation_status::recorded);
    if (a.session.to_hex() == session) CHECK(statement_files.insert(a.file_name).second);
  }
  // The segment index goes on across the runs, no index twice, each file name once.
  std::vector<std::uint32_t> indexes;
  std::set<std::string> names;
  for (const auto& s : story.segments)
    if (s.session.to_hex() == session) {
      indexes.push_back(s.index);
      CHECK(names.insert(s.file_name).second);
    }
  REQUIRE(indexes.size() >= 3);
  for (std::size_t i = 0; i < indexes.size(); ++i) CHECK(indexes[i] == i);
  CHECK(story.stops[3].second.segment_count == indexes.size());
  const auto feedback = cam.feedback_log();
  CHECK(feedback.find("prompt resume statement") != std::string::npos);
  CHECK(cam.verify().problem_count() == 0);
}

TEST_CASE("after the resume window a start is a new session with a start statement", "[e2e]") {
  test_camera cam(1);
  cam.set_resume_window(2);
  auto daemon = cam.start_daemon("recorder");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());
  auto started = json::parse(cam.request(R"({"cmd":"start"})"));
  REQUIRE(started["ok"] == true);
  const std::string session = started["session"];
  record_until_low_battery(cam, 0);
  cam.set_battery("95");
  // The poll closes the window: interrupted → idle, and the next start opens a new session.
  auto status = wait_for_state(cam, "idle", std::chrono::seconds(15));
  REQUIRE(status["state"] == "idle");
  CHECK(status["note"].get<std::string>().find("closed for good") != std::string::npos);
  auto fresh = json::parse(cam.request(R"({"cmd":"start"})"));
  REQUIRE(fresh["ok"] == true);
  CHECK(fresh["state"] != "annotating_resume");
  CHECK(fresh["session"] != session);
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);
  const auto story = read_story(cam);
  CHECK(story.resumes.empty());
  CHECK(story.starts.size() == 2);
}

TEST_CASE("storage full, freed while docked: leaving the dock and starting resumes the session", "[fault]") {
  test_camera cam(1);
  small_disk disk(cam.segments, "40m");
  REQUIRE(disk.error().empty());  // the test needs a filesystem it can fill (root: mount tmpfs)
  auto daemon = cam.start_daemon("recorder");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());
  auto [started, status] = start_recording(cam);
  REQUIRE(started["ok"] == true);
  REQUIRE(status["state"] == "recording");
  const std::string session = started["session"];
  // Fill the disk below the 16 MB reserve; nothing is receipt-covered, so nothing can be reclaimed.
  const fs::path filler = fs::path(cam.segments) / "filler.bin";
  {
    const auto space = fs::space(cam.segments);
    REQUIRE(space.available > 8u * 1024 * 1024);
    std::ofstream out(filler, std::ios::binary);
    const std::vector<char> block(1 << 20, 'x');
    for (std::uintmax_t left = space.available - 8u * 1024 * 1024; left > 0;) {
      const auto n = std::min<std::uintmax_t>(left, block.size());
      out.write(block.data(), static_cast<std::streamsize>(n));
      left -= n;
    }
  }
  status = wait_for_state(cam, "interrupted", std::chrono::seconds(20));
  REQUIRE(status["state"] == "interrupted");
  CHECK(status["note"].get<std::string>().find("storage_full") != std::string::npos);
  // Docked: the offload frees the space (here: the filler goes); leaving the dock keeps the resume.
  CHECK(json::parse(cam.request(R"({"cmd":"dock_attach"})"))["state"] == "docked_interrupted");
  fs::remove(filler);
  CHECK(json::parse(cam.request(R"({"cmd":"dock_detach"})"))["state"] == "interrupted");
  auto resumed = json::parse(cam.request(R"({"cmd":"start"})"));
  REQUIRE(resumed["ok"] == true);
  CHECK(resumed["session"] == session);
  REQUIRE(wait_for_state(cam, "recording", std::chrono::seconds(20))["state"] == "recording");
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);
  const auto story = read_story(cam);
  REQUIRE(story.resumes.size() == 1);
  REQUIRE(story.stops.size() >= 1);
  CHECK(story.stops[0].second.reason == record::stop_reason::storage_full);
  CHECK(story.resumes[0].second.resumes_seq == story.stops[0].first);
  CHECK(story.resumes[0].second.session.to_hex() == session);
  bool resume_statement = false;
  for (const auto& a : story.statements)
    resume_statement = resume_statement || a.purpose == record::annotation_purpose::resume;
  CHECK(resume_statement);  // asked (missing: no annotation source configured), never a start statement
  CHECK(cam.verify().problem_count() == 0);
}

}  // namespace resume_e2e_test
