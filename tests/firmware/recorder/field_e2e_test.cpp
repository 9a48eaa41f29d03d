// What the officers record about a session, end to end through bodycam-recorder's control socket: the action
// and case number, important moments, a second officer joining and leaving, the refusals (while idle, an
// action not in the list, a case number too long or with a control character, a bad officer id) and the rule
// that a stop "unsuitable to record" needs a spoken stop statement. The ledger is read back and must hold
// exactly the records the commands asked for, in order, signed and chained.
#include "common/record/record.hpp"
#include "tests/firmware/recorder/recorder_test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace field_e2e_test {

using namespace bodycam::common;
using namespace bodycam::tests;
using json = nlohmann::json;

namespace {

json ask(const test_camera& cam, const std::string& line) { return json::parse(cam.request(line)); }

std::string error_code_of(const json& response) {
  REQUIRE(response.at("ok") == false);
  return response.at("error").at("code").get<std::string>();
}

std::string error_message_of(const json& response) { return response.at("error").at("message").get<std::string>(); }

// The records of one session, from its session_start to its session_stop.
std::vector<record::signed_record> session_records(const std::vector<record::signed_record>& all,
                                                   const std::string& session) {
  std::vector<record::signed_record> out;
  bool in = false;
  for (const auto& r : all) {
    if (const auto* s = std::get_if<record::session_start_payload>(&r.body.body); s && s->session.to_hex() == session)
      in = true;
    if (in) out.push_back(r);
    if (const auto* s = std::get_if<record::session_stop_payload>(&r.body.body); s && s->session.to_hex() == session)
      break;
  }
  return out;
}

std::string make_wav(const test_camera& cam, const std::string& name, bool speech) {
  if (speech) return cam.spoken_wav(name, "Crowd of bystanders, a minor is present, stopping the recording.", "0.3", "3");
  const std::string out = cam.dir / name;
  REQUIRE(run_process({"sox", "-n", "-r", "16000", "-c", "1", "-b", "16", out, "trim", "0", "3"}).exit_code == 0);
  return out;
}

}  // namespace

TEST_CASE("a session with an action and case, a mark, a second officer joining and leaving: exact records",
          "[e2e]") {
  test_camera cam(2);
  auto daemon = cam.start_daemon("recorder");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());

  // While idle every one of them is refused, and nothing is written.
  const auto before = ask(cam, R"({"cmd":"status"})").at("last_record_seq");
  for (const char* line : {R"({"cmd":"action","type":"inspection"})", R"({"cmd":"mark"})",
                           R"({"cmd":"officer","change":"join","officer":"officer-9"})"}) {
    INFO(line);
    const auto r = ask(cam, line);
    CHECK(error_code_of(r) == "conflict");
    CHECK(error_message_of(r).find("only while recording; the recorder is idle") != std::string::npos);
  }
  CHECK(ask(cam, R"({"cmd":"status"})").at("last_record_seq") == before);

  const auto started = ask(cam, R"({"cmd":"start"})");
  REQUIRE(started.at("ok") == true);
  const std::string session = started.at("session");
  CHECK(started.at("officers") == 1);  // the wearer, officer-7
  CHECK(started.at("action").is_null());
  REQUIRE(wait_for_state(cam, "recording", std::chrono::seconds(20)).at("state") == "recording");

  // Refused with a clear error, nothing written.
  const auto seq_before = ask(cam, R"({"cmd":"status"})").at("last_record_seq");
  auto r = ask(cam, R"({"cmd":"action","type":"parking","case":"C-1"})");
  CHECK(error_code_of(r) == "invalid_argument");
  CHECK(error_message_of(r) == "action: action \"parking\" is not in this camera's list (inspection, on_site_penalty, "
                               "seizure, enforcement, inquiry, other)");
  r = ask(cam, R"({"cmd":"action","type":"seizure","case":")" + std::string(65, '9') + R"("})");
  CHECK(error_code_of(r) == "invalid_argument");
  CHECK(error_message_of(r).find("case number of 65 bytes exceeds the limit of 64") != std::string::npos);
  r = ask(cam, R"({"cmd":"action","type":"seizure","case":"C-1\u0007"})");
  CHECK(error_message_of(r).find("control character") != std::string::npos);
  r = ask(cam, R"({"cmd":"officer","change":"join","officer":"officer 9"})");
  CHECK(error_code_of(r) == "invalid_argument");
  r = ask(cam, R"({"cmd":"officer","change":"leave","officer":"officer-9"})");
  CHECK(error_code_of(r) == "conflict");
  CHECK(error_message_of(r) == "officer: officer officer-9 has not joined this session");
  r = ask(cam, R"({"cmd":"officer","change":"join","officer":"officer-7"})");
  CHECK(error_code_of(r) == "conflict");  // the wearer is present throughout
  // Without a statement source a stop "unsuitable to record" cannot be justified: refused, still recording.
  r = ask(cam, R"({"cmd":"stop","reason":"unsuitable_to_record"})");
  CHECK(error_code_of(r) == "conflict");
  CHECK(error_message_of(r).find("needs a spoken stop statement") != std::string::npos);
  auto status = ask(cam, R"({"cmd":"status"})");
  CHECK(status.at("state") == "recording");
  CHECK(status.at("last_record_seq") == seq_before);

  r = ask(cam, R"({"cmd":"action","type":"on_site_penalty","case":"CASE-2026-0042"})");
  REQUIRE(r.at("ok") == true);
  CHECK(r.at("action") == "on_site_penalty");
  CHECK(r.at("case") == "CASE-2026-0042");
  r = ask(cam, R"({"cmd":"officer","change":"join","officer":"officer-9"})");
  REQUIRE(r.at("ok") == true);
  CHECK(r.at("officers") == 2);
  CHECK(error_code_of(ask(cam, R"({"cmd":"officer","change":"join","officer":"officer-9"})")) == "conflict");
  r = ask(cam, R"({"cmd":"mark","label":"keys handed over"})");
  REQUIRE(r.at("ok") == true);
  CHECK(r.at("note") == "important moment marked: keys handed over");
  REQUIRE(ask(cam, R"({"cmd":"mark"})").at("ok") == true);
  r = ask(cam, R"({"cmd":"officer","change":"leave","officer":"officer-9"})");
  REQUIRE(r.at("ok") == true);
  CHECK(r.at("officers") == 1);
  CHECK(r.at("state") == "recording");  // none of them changes the state
  REQUIRE(ask(cam, R"({"cmd":"stop","reason":"officer_end"})").at("ok") == true);
  CHECK(error_code_of(ask(cam, R"({"cmd":"mark"})")) == "conflict");  // the session is closed

  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);

  const auto report = cam.verify();
  CHECK(report.result == chain::verdict::authentic);
  const auto records = session_records(cam.records(), session);
  std::vector<std::string> kinds;
  for (const auto& rec : records)
    if (rec.body.kind() != record::record_kind::segment) kinds.push_back(std::string(record::to_string(rec.body.kind())));
  CHECK(kinds == std::vector<std::string>{"session_start", "annotation", "action", "officer", "mark", "mark", "officer",
                                          "annotation", "session_stop"});
  std::vector<const record::signed_record*> field;
  for (const auto& rec : records) {
    const auto k = rec.body.kind();
    if (k == record::record_kind::action || k == record::record_kind::mark || k == record::record_kind::officer)
      field.push_back(&rec);
  }
  REQUIRE(field.size() == 5);
  const auto& action = std::get<record::action_payload>(field[0]->body.body);
  CHECK(action.session.to_hex() == session);
  CHECK(action.action == "on_site_penalty");
  CHECK(action.case_number == "CASE-2026-0042");
  const auto& join = std::get<record::officer_payload>(field[1]->body.body);
  CHECK(join.officer_id == "officer-9");
  CHECK(join.change == record::officer_change::join);
  CHECK(std::get<record::mark_payload>(field[2]->body.body).label == "keys handed over");
  CHECK(std::get<record::mark_payload>(field[3]->body.body).label.empty());
  const auto& leave = std::get<record::officer_payload>(field[4]->body.body);
  CHECK(leave.officer_id == "officer-9");
  CHECK(leave.change == record::officer_change::leave);
  for (std::size_t i = 1; i < field.size(); ++i) {
    CHECK(field[i]->body.seq > field[i - 1]->body.seq);
    CHECK(field[i]->body.monotonic >= field[i - 1]->body.monotonic);
    CHECK(field[i]->body.utc.time >= field[i - 1]->body.utc.time);
  }
  const auto& stop = std::get<record::session_stop_payload>(records.back().body.body);
  CHECK(stop.reason == record::stop_reason::officer_end);
}

TEST_CASE("a stop unsuitable to record: turned back when the statement is silent, accepted with speech", "[e2e]") {
  test_camera cam(2);
  cam.use_statement_file(make_wav(cam, "silence.wav", false));
  std::string silent_log;
  {
    auto daemon = cam.start_daemon("recorder-silent");
    REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
    INFO(daemon->log());
    REQUIRE(ask(cam, R"({"cmd":"start"})").at("ok") == true);
    REQUIRE(wait_for_state(cam, "recording", std::chrono::seconds(30)).at("state") == "recording");
    REQUIRE(ask(cam, R"({"cmd":"stop","reason":"unsuitable_to_record"})").at("state") == "annotating_stop");
    // The silent statement does not justify it: the session goes on recording.
    auto status = wait_for_state(cam, "recording", std::chrono::seconds(30));
    REQUIRE(status.at("state") == "recording");
    CHECK(status.at("session").is_string());
    CHECK(status.at("note").get<std::string>().find("stop refused: unsuitable_to_record needs a spoken reason") !=
          std::string::npos);
    REQUIRE(ask(cam, R"({"cmd":"stop","reason":"officer_end"})").at("ok") == true);
    REQUIRE(wait_for_state(cam, "idle", std::chrono::seconds(30)).at("state") == "idle");
    daemon->signal(SIGTERM);
    REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);
    silent_log = daemon->log();
  }
  INFO(silent_log);
  std::vector<record::stop_reason> stops;
  std::vector<record::annotation_status> stop_statements;
  for (const auto& r : cam.records()) {
    if (const auto* s = std::get_if<record::session_stop_payload>(&r.body.body)) stops.push_back(s->reason);
    if (const auto* a = std::get_if<record::annotation_payload>(&r.body.body);
        a && a->purpose == record::annotation_purpose::stop)
      stop_statements.push_back(a->status);
  }
  CHECK(stops == std::vector<record::stop_reason>{record::stop_reason::officer_end});
  CHECK(stop_statements ==
        std::vector<record::annotation_status>{record::annotation_status::silent, record::annotation_status::silent});

  cam.use_statement_file(make_wav(cam, "speech.wav", true));
  auto daemon = cam.start_daemon("recorder-speech");
  REQUIRE(wait_for_socket(cam.socket, std::chrono::seconds(30)));
  INFO(daemon->log());
  REQUIRE(ask(cam, R"({"cmd":"start"})").at("ok") == true);
  REQUIRE(wait_for_state(cam, "recording", std::chrono::seconds(30)).at("state") == "recording");
  REQUIRE(ask(cam, R"({"cmd":"stop","reason":"unsuitable_to_record"})").at("ok") == true);
  REQUIRE(wait_for_state(cam, "idle", std::chrono::seconds(30)).at("state") == "idle");
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait(std::chrono::seconds(30)) == 0);
  const auto records = cam.records();
  REQUIRE(records.size() >= 2);
  const auto& last_stop = std::get<record::session_stop_payload>(
      std::find_if(records.rbegin(), records.rend(),
                   [](const auto& r) { return r.body.kind() == record::record_kind::session_stop; })
          ->body.body);
  CHECK(last_stop.reason == record::stop_reason::unsuitable_to_record);
  const auto statement = std::find_if(records.rbegin(), records.rend(), [](const auto& r) {
    const auto* a = std::get_if<record::annotation_payload>(&r.body.body);
    return a && a->purpose == record::annotation_purpose::stop;
  });
  REQUIRE(statement != records.rend());
  CHECK(std::get<record::annotation_payload>(statement->body.body).status == record::annotation_status::recorded);
  CHECK(cam.verify().result == chain::verdict::authentic);
}

}  // namespace field_e2e_test
