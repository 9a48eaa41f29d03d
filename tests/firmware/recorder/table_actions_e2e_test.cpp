// The session table's actions as bodycam-recorder performs them, one daemon run driven only by events (control
// commands, the fake battery): each step names the table's row and checks what its action must leave behind —
// records appended in order, the pipeline recording or not (segments, state), alarms through the feedback
// port. keep_recording (field_e2e_test), forget_resume (resume_e2e_test) and the power-loss resume
// (recorder_kill_test, boot_recovery_test) are proved where their conditions are set up.
#include "common/record/record.hpp"
#include "tests/firmware/recorder/recorder_test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace table_actions_e2e_test {

using namespace bodycam::common;
using namespace bodycam::tests;
using json = nlohmann::json;

namespace {

json ask(const test_camera& cam, const std::string& line) { return json::parse(cam.request(line)); }

// The kinds of the records appended after `seq`, in order.
std::vector<record::record_kind> kinds_after(const test_camera& cam, std::uint64_t seq) {
  std::vector<record::record_kind> out;
  for (const auto& r : cam.records())
    if (r.body.seq > seq) out.push_back(r.body.kind());
  return out;
}

std::uint64_t last_seq(const test_camera& cam) { return cam.records().back().body.seq; }

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("every action of the session table, performed by the daemon from its events", "[e2e]") {
  using k = record::record_kind;
  test_camera cam(1);
  auto daemon = cam.start_daemon("recorder");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());
  // off × boot → run_recovery; recovering × recovered_idle → none.
  CHECK(ask(cam, R"({"cmd":"status"})").at("state") == "idle");
  CHECK(cam.records().front().body.kind() == k::boot);

  // idle × start_request → run_precheck; checking × check_failed → refuse_start (alarm, no session).
  cam.set_battery("5");
  auto seq = last_seq(cam);
  auto r = ask(cam, R"({"cmd":"start"})");
  REQUIRE(r.at("ok") == false);
  CHECK(r.at("error").at("message").get<std::string>().find("start refused by the pre-shift checks") !=
        std::string::npos);
  CHECK(kinds_after(cam, seq) == std::vector<k>{k::precheck});
  CHECK(ask(cam, R"({"cmd":"status"})").at("state") == "idle");
  CHECK(count_of(cam.feedback_log(), "alarm pre-shift checks failed") == 1);
  cam.set_battery("90");

  // idle × dock_attach → enter_dock; docked × start_request refused; docked × dock_detach → leave_dock.
  CHECK(ask(cam, R"({"cmd":"dock_attach"})").at("state") == "docked");
  r = ask(cam, R"({"cmd":"start"})");
  REQUIRE(r.at("ok") == false);
  CHECK(r.at("error").at("message").get<std::string>().find("event start_request not allowed in state docked") !=
        std::string::npos);
  CHECK(ask(cam, R"({"cmd":"dock_detach"})").at("state") == "idle");

  // checking × check_passed → open_session; annotating_start × annotation_done → record_annotation.
  seq = last_seq(cam);
  r = ask(cam, R"({"cmd":"start"})");
  REQUIRE(r.at("ok") == true);
  const std::string session = r.at("session");
  CHECK(r.at("state") == "recording");  // no annotation source: the statement is missing at once
  CHECK(kinds_after(cam, seq) == std::vector<k>{k::precheck, k::session_start, k::annotation});
  REQUIRE(wait_for(cam, [](const json& s) { return s.at("segment").is_number() && s.at("segment").get<int>() >= 1; },
                   std::chrono::seconds(20))
              .at("state") == "recording");  // the pipeline records

  // recording × action/mark/officer/photo_request → record_action/mark/officer/photo (the state stays).
  seq = last_seq(cam);
  REQUIRE(ask(cam, R"({"cmd":"action","type":"inspection","case":"CASE-1"})").at("ok") == true);
  REQUIRE(ask(cam, R"({"cmd":"mark","label":"here"})").at("ok") == true);
  REQUIRE(ask(cam, R"({"cmd":"officer","change":"join","officer":"officer-9"})").at("ok") == true);
  REQUIRE(ask(cam, R"({"cmd":"photo"})").at("ok") == true);
  std::vector<k> own;
  for (const auto kind : kinds_after(cam, seq))
    if (kind != k::segment) own.push_back(kind);  // segments go on sealing meanwhile
  CHECK(own == std::vector<k>{k::action, k::mark, k::officer, k::photo});
  CHECK(ask(cam, R"({"cmd":"status"})").at("state") == "recording");

  // recording × battery_reserve → stop_automatically: pipeline stop, interruption + session_stop, alarm.
  seq = last_seq(cam);
  cam.set_battery("5");
  auto status = wait_for_state(cam, "interrupted", std::chrono::seconds(20));
  REQUIRE(status.at("state") == "interrupted");
  own.clear();
  for (const auto kind : kinds_after(cam, seq))
    if (kind != k::segment) own.push_back(kind);
  CHECK(own == std::vector<k>{k::interruption, k::session_stop});
  CHECK(count_of(cam.feedback_log(), "alarm low_battery: battery 5%") == 1);
  CHECK(status.at("segment").is_null());  // nothing records
  cam.set_battery("90");

  // interrupted × start_request → run_precheck; checking_resume × check_passed → resume_session.
  seq = last_seq(cam);
  r = ask(cam, R"({"cmd":"start"})");
  REQUIRE(r.at("ok") == true);
  CHECK(r.at("session") == session);
  CHECK(kinds_after(cam, seq) == std::vector<k>{k::precheck, k::session_resume, k::annotation});
  REQUIRE(wait_for(cam, [](const json& s) { return s.at("segment").is_number(); }, std::chrono::seconds(20))
              .at("state") == "recording");

  // recording × stop_request → capture_stop_statement; annotating_stop × annotation_done → close_session.
  seq = last_seq(cam);
  r = ask(cam, R"({"cmd":"stop","reason":"officer_end"})");
  REQUIRE(r.at("ok") == true);
  CHECK(r.at("state") == "idle");
  own.clear();
  for (const auto kind : kinds_after(cam, seq))
    if (kind != k::segment) own.push_back(kind);
  CHECK(own == std::vector<k>{k::annotation, k::session_stop});
  const auto records = cam.records();
  const auto* stop = std::get_if<record::session_stop_payload>(&records.back().body.body);
  REQUIRE(stop != nullptr);
  CHECK(stop->reason == record::stop_reason::officer_end);
  CHECK(records[records.size() - 2].body.kind() == k::segment);  // the last segment sealed before the stop

  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);
  CHECK(cam.verify().problem_count() == 0);
}

}  // namespace table_actions_e2e_test
