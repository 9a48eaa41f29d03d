// Session control end to end through bodycam-recorder: a fake sysfs battery, the synthetic camera,
// espeak-ng speech played as the microphone. precheck → start statement → 3 segments → the battery drops to
// the reserve → automatic stop with its reason → `bodycam verify` shows the whole story with reason codes.
// Also: bad input on the control socket and in sysfs, a start refused by the checks, no silent stop.
#include "common/record/record.hpp"
#include "tests/firmware/recorder/recorder_test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <optional>
#include <thread>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace session_e2e_test {

using namespace bodycam::common;
using namespace bodycam::tests;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string make_statement(const test_camera& cam) {
  return cam.spoken_wav("statement.wav", "Officer seven. Traffic stop on Main Street, two officers.", "0.3", "4");
}

}  // namespace

TEST_CASE("a shift: precheck, start statement, 3 segments, battery at the reserve, automatic stop", "[e2e]") {
  test_camera cam(1);
  cam.use_statement_file(make_statement(cam));
  auto daemon = cam.start_daemon("recorder");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());

  auto status = json::parse(cam.request(R"({"cmd":"status"})"));
  CHECK(status["state"] == "idle");
  // Out of order and malformed: refused, nothing changes.
  CHECK(json::parse(cam.request(R"({"cmd":"stop","reason":"officer_end"})"))["error"]["code"] == "conflict");
  CHECK(json::parse(cam.request(R"({"cmd":"dock_detach"})"))["error"]["code"] == "conflict");
  CHECK(json::parse(cam.request(R"({"cmd":"start","trigger":"telepathy"})"))["ok"] == false);
  CHECK(json::parse(cam.request(R"({"cmd":"precheck","battery":5})"))["error"]["code"] == "unknown_argument");
  CHECK(json::parse(cam.request("{\"cmd\":\"start\"")).at("ok") == false);

  // Garbage in sysfs: the check warns (and says what it found), it does not crash or refuse.
  cam.set_battery("abc");
  auto checked = json::parse(cam.request(R"({"cmd":"precheck"})"));
  REQUIRE(checked["ok"] == true);
  CHECK(checked["precheck"] == "passed_with_warnings");
  CHECK(checked["note"].get<std::string>().find("'abc'") != std::string::npos);
  cam.set_battery("80");

  auto started = json::parse(cam.request(R"({"cmd":"start","trigger":"button"})"));
  REQUIRE(started["ok"] == true);
  CHECK(started["state"] == "annotating_start");
  CHECK(started["precheck"] == "passed_with_warnings");  // never synced with a dock
  const std::string session = started["session"];
  // The statement ends after its trailing silence; the recording never stopped meanwhile.
  status = wait_for(cam, [](const json& s) { return s["state"] == "recording"; }, std::chrono::seconds(30));
  REQUIRE(status["state"] == "recording");
  status = wait_for(cam, [](const json& s) { return s["segment"].is_number() && s["segment"] >= 3; },
                    std::chrono::seconds(40));
  REQUIRE(status["segment"] >= 3);

  cam.set_battery("5");
  status = wait_for(cam, [](const json& s) { return s["state"] == "interrupted"; }, std::chrono::seconds(20));
  REQUIRE(status["state"] == "interrupted");
  CHECK(status["note"].get<std::string>().find("low_battery") != std::string::npos);
  // A new start is refused by the checks (battery at the reserve) and that refusal is recorded too.
  auto refused = json::parse(cam.request(R"({"cmd":"start"})"));
  CHECK(refused["error"]["code"] == "conflict");
  CHECK(refused["error"]["message"].get<std::string>().find("low-battery reserve") != std::string::npos);

  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);

  // The chain tells the story.
  const auto records = cam.records();
  std::vector<record::record_kind> kinds;
  const record::annotation_payload* start_statement = nullptr;
  const record::session_stop_payload* stop = nullptr;
  const record::interruption_payload* gap = nullptr;
  std::vector<const record::precheck_payload*> prechecks;
  std::uint32_t segments = 0;
  for (const auto& r : records) {
    kinds.push_back(r.body.kind());
    if (auto* a = std::get_if<record::annotation_payload>(&r.body.body)) start_statement = a;
    if (auto* s = std::get_if<record::session_stop_payload>(&r.body.body)) stop = s;
    if (auto* i = std::get_if<record::interruption_payload>(&r.body.body)) gap = i;
    if (auto* p = std::get_if<record::precheck_payload>(&r.body.body)) prechecks.push_back(p);
    if (auto* s = std::get_if<record::segment_payload>(&r.body.body); s && s->session.to_hex() == session) ++segments;
  }
  REQUIRE(prechecks.size() == 3);
  CHECK(prechecks[0]->outcome == record::precheck_outcome::passed_with_warnings);
  CHECK(prechecks[1]->outcome == record::precheck_outcome::passed_with_warnings);
  CHECK(prechecks[2]->outcome == record::precheck_outcome::failed);
  REQUIRE(start_statement != nullptr);
  CHECK(start_statement->session.to_hex() == session);
  CHECK(start_statement->purpose == record::annotation_purpose::start);
  CHECK(start_statement->status == record::annotation_status::recorded);
  CHECK(start_statement->speech_present);
  CHECK(start_statement->speech >= std::chrono::milliseconds(1000));
  CHECK(start_statement->duration < std::chrono::milliseconds(15000));  // ended early on trailing silence
  const fs::path wav = fs::path(cam.segments) / start_statement->file_name;
  REQUIRE(fs::exists(wav));
  CHECK(fs::file_size(wav) == start_statement->byte_length);
  CHECK(hash_range(wav, 0, start_statement->byte_length) == start_statement->file_sha256);
  CHECK(cam.open_ledger().file(start_statement->file_name).value().state == ledger::file_state::sealed);
  CHECK(segments >= 3);
  REQUIRE(gap != nullptr);
  CHECK(gap->reason == record::interruption_reason::low_battery);
  CHECK(gap->detail.find("battery 5% at the 10% reserve") != std::string::npos);
  REQUIRE(stop != nullptr);
  CHECK(stop->reason == record::stop_reason::low_battery);
  CHECK(stop->segment_count == segments);

  // The officer was prompted and alarmed.
  const auto feedback = cam.feedback_log();
  CHECK(feedback.find("prompt start statement") != std::string::npos);
  CHECK(feedback.find("alarm low_battery") != std::string::npos);

#ifdef BODYCAM_HAVE_TOOLS
  // The clerks' tool verifies the same story: every record ok, the stop counted as a documented gap
  // (exit 1, authentic with documented gaps). Its reason codes are the payloads checked above.
  auto verified = run_process({built_program("bodycam"), "verify", cam.ledger_path, "--key", cam.dir / "cam-test.pub"});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 1);
  // The text says it in words (every gap listed); the JSON carries the verdict code and the counts.
  CHECK(verified.out.find("Authentic, with ") != std::string::npos);
  CHECK(verified.out.find("PROBLEM") == std::string::npos);
  auto verified_json =
      run_process({built_program("bodycam"), "verify", cam.ledger_path, "--key", cam.dir / "cam-test.pub", "--json"});
  CHECK(verified_json.exit_code == 1);
  CHECK(verified_json.out.find("\"verdict\": \"authentic_with_gaps\"") != std::string::npos);
  CHECK(verified_json.out.find("\"problems\": 0") != std::string::npos);
  for (const char* kind : {"precheck", "session_start", "annotation", "segment", "interruption", "session_stop"})
    CHECK(verified.out.find(kind) != std::string::npos);
#endif
  CHECK(cam.verify().result == chain::verdict::authentic_with_gaps);
}

TEST_CASE("the officer stops: stop statement while recording goes on, then session_stop; button and dock",
          "[e2e]") {
  test_camera cam(1);
  cam.use_statement_file(make_statement(cam));
  auto daemon = cam.start_daemon("recorder");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());

  // Docked: no recording; the button is refused there too.
  CHECK(json::parse(cam.request(R"({"cmd":"dock_attach"})"))["state"] == "docked");
  CHECK(json::parse(cam.request(R"({"cmd":"button"})"))["error"]["code"] == "conflict");
  CHECK(json::parse(cam.request(R"({"cmd":"dock_detach"})"))["state"] == "idle");

  auto started = json::parse(cam.request(R"({"cmd":"button"})"));  // the record button starts
  REQUIRE(started["ok"] == true);
  const std::string session = started["session"];
  // Stop during the start statement: it is kept as far as it got, the stop statement follows.
  auto stopping = json::parse(cam.request(R"({"cmd":"stop","reason":"officer_end"})"));
  REQUIRE(stopping["ok"] == true);
  CHECK(stopping["state"] == "annotating_stop");
  CHECK(json::parse(cam.request(R"({"cmd":"stop","reason":"officer_end"})"))["error"]["code"] == "conflict");
  auto status = wait_for(cam, [](const json& s) { return s["state"] == "idle"; }, std::chrono::seconds(30));
  REQUIRE(status["state"] == "idle");
  CHECK(status["seconds_recorded"].get<double>() >= 3.0);  // recording went on during the stop statement

  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);
  std::vector<record::annotation_payload> statements;
  std::optional<record::session_stop_payload> stop;  // a copy: the records are a temporary of the loop
  for (const auto& r : cam.records()) {
    if (auto* a = std::get_if<record::annotation_payload>(&r.body.body)) statements.push_back(*a);
    if (auto* s = std::get_if<record::session_stop_payload>(&r.body.body)) stop = *s;
  }
  REQUIRE(statements.size() == 2);
  CHECK(statements[0].purpose == record::annotation_purpose::start);
  CHECK(statements[1].purpose == record::annotation_purpose::stop);
  CHECK(statements[1].status == record::annotation_status::recorded);
  CHECK(statements[1].speech_present);
  for (const auto& a : statements) {
    CHECK(a.session.to_hex() == session);
    if (!a.file_name.empty()) {
      const fs::path wav = fs::path(cam.segments) / a.file_name;
      CHECK(hash_range(wav, 0, a.byte_length) == a.file_sha256);
    }
  }
  REQUIRE(stop.has_value());
  CHECK(stop->reason == record::stop_reason::officer_end);
  CHECK(cam.verify().problem_count() == 0);
  CHECK(cam.feedback_log().find("prompt stop statement") != std::string::npos);
}

}  // namespace session_e2e_test
