// The control protocol without sockets: request lines in, response lines out, against the fake handler.
// Golden responses pin the wire format; every refusal is checked for its code, its message and for the
// handler not having been called; hostile lines (bad UTF-8, deep nesting, random bytes) must never crash.
#include "firmware/control/control_protocol.hpp"
#include "firmware/control/recorder_commands.hpp"
#include "tests/firmware/control/fake_handler.hpp"

#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace bodycam::firmware::control;
using bodycam::tests::fake_handler;
using nlohmann::json;

namespace {

struct protocol_under_test {
  explicit protocol_under_test(std::size_t max_line_bytes = command_parser::default_max_line_bytes)
      : parser(max_line_bytes) {
    REQUIRE(add_recorder_commands(parser).has_value());
  }
  std::string send(std::string_view line) { return protocol.handle_line(line); }
  json send_json(std::string_view line) {
    const std::string response = send(line);
    INFO(response);
    REQUIRE(json::accept(response));
    return json::parse(response);
  }

  command_parser parser;
  fake_handler handler;
  control_protocol protocol{parser, handler};
};

// The refusal's code, after checking the response is a well-formed refusal.
std::string refusal_code(const json& response) {
  REQUIRE(response.at("ok") == false);
  REQUIRE(response.at("error").at("code").is_string());
  REQUIRE(response.at("error").at("message").is_string());
  return response.at("error").at("code").get<std::string>();
}

std::string refusal_message(const json& response) { return response.at("error").at("message").get<std::string>(); }

}  // namespace

TEST_CASE("start, status and stop round-trip with the documented response lines") {
  protocol_under_test p;
  CHECK(p.send(R"({"cmd":"status"})") ==
        R"({"ok":true,"cmd":"status","state":"idle","session":null,"segment":null,"seconds_recorded":0.0,)"
        R"("free_storage_bytes":1000000000,"last_record_seq":4,"precheck":null,"note":null})");
  CHECK(p.send(R"({"cmd":"start","id":1})") ==
        R"({"ok":true,"id":1,"cmd":"start","state":"recording","session":"11111111111111111111111111111111",)"
        R"("segment":0,"seconds_recorded":0.0,"free_storage_bytes":1000000000,"last_record_seq":5,"precheck":null,"note":null})");
  CHECK(p.send(R"({"cmd":"stop","reason":"officer_end","id":"s-2"})") ==
        R"({"ok":true,"id":"s-2","cmd":"stop","state":"idle","session":null,"segment":null,)"
        R"("seconds_recorded":12.5,"free_storage_bytes":1000000000,"last_record_seq":7,"precheck":null,"note":null})");
  CHECK(p.handler.calls() == std::vector<std::string>{"status", "start:control", "stop:officer_end"});
}

TEST_CASE("start takes an optional trigger from the record vocabulary") {
  protocol_under_test p;
  CHECK(p.send_json(R"({"cmd":"start","trigger":"button"})").at("ok") == true);
  CHECK(p.handler.calls() == std::vector<std::string>{"start:button"});

  const json bad = p.send_json(R"({"cmd":"start","trigger":"holster"})");
  CHECK(refusal_code(bad) == "invalid_argument");
  CHECK(refusal_message(bad) == "start: trigger: must be one of button, control, automatic, got \"holster\"");
  CHECK(p.handler.calls().size() == 1);
}

TEST_CASE("a stop without a reason is refused: no silent stop") {
  protocol_under_test p;
  REQUIRE(p.send_json(R"({"cmd":"start"})").at("ok") == true);
  const json missing = p.send_json(R"({"cmd":"stop","id":9})");
  CHECK(refusal_code(missing) == "missing_argument");
  CHECK(missing.at("id") == 9);
  CHECK(refusal_message(missing) ==
        "stop: reason: required, no silent stop (one of officer_end, low_battery, storage_full, fault, shutdown, "
        "unsuitable_to_record)");

  const json null_reason = p.send_json(R"({"cmd":"stop","reason":null})");
  CHECK(refusal_code(null_reason) == "invalid_argument");
  const json number_reason = p.send_json(R"({"cmd":"stop","reason":3})");
  CHECK(refusal_code(number_reason) == "invalid_argument");
  CHECK(refusal_message(number_reason) == "stop: reason: expected a string, got a number");
  const json unknown_reason = p.send_json(R"({"cmd":"stop","reason":"lunch"})");
  CHECK(refusal_code(unknown_reason) == "invalid_argument");
  CHECK(refusal_message(unknown_reason).find("got \"lunch\"") != std::string::npos);

  // Only the start reached the recorder; it is still recording.
  CHECK(p.handler.calls() == std::vector<std::string>{"start:control"});
  CHECK(p.send_json(R"({"cmd":"status"})").at("state") == "recording");
}

TEST_CASE("every stop reason of the record vocabulary is accepted") {
  for (const char* reason : {"officer_end", "low_battery", "storage_full", "fault", "shutdown"}) {
    protocol_under_test p;
    REQUIRE(p.send_json(R"({"cmd":"start"})").at("ok") == true);
    CHECK(p.send_json(std::string(R"({"cmd":"stop","reason":")") + reason + "\"}").at("ok") == true);
    CHECK(p.handler.calls().back() == std::string("stop:") + reason);
  }
}

TEST_CASE("a refusal by the recorder carries its errc name as code") {
  protocol_under_test p;
  REQUIRE(p.send_json(R"({"cmd":"start"})").at("ok") == true);
  const json again = p.send_json(R"({"cmd":"start","id":"x"})");
  CHECK(refusal_code(again) == "conflict");
  CHECK(refusal_message(again) == "start: already recording");
  CHECK(again.at("id") == "x");
}

TEST_CASE("a handler that throws is answered as internal and the protocol goes on") {
  protocol_under_test p;
  p.handler.throw_on_next_call();
  const json thrown = p.send_json(R"({"cmd":"status"})");
  CHECK(refusal_code(thrown) == "internal");
  CHECK(refusal_message(thrown) == "status: handler failed: fake handler told to throw");
  CHECK(p.send_json(R"({"cmd":"status"})").at("ok") == true);
}

TEST_CASE("refused requests: each gets its code and never reaches the handler") {
  struct refusal_case {
    std::string line;
    std::string code;
    std::string message_part;
  };
  const std::vector<refusal_case> cases = {
      {"", "malformed_json", "malformed JSON: parse error at line 1, column 1"},
      {"nope", "malformed_json", "malformed JSON:"},
      {R"({"cmd":"status")", "malformed_json", "malformed JSON:"},
      {R"({"cmd":"status"} {"cmd":"status"})", "malformed_json", "malformed JSON:"},
      {"{\"cmd\":\"st\xff\xfe\"}", "malformed_json", "malformed JSON:"},
      {std::string("{\"cmd\":\"status\0\"}", 17), "malformed_json", "malformed JSON:"},
      {"[1,2]", "invalid_request", "a request must be a JSON object"},
      {R"("status")", "invalid_request", "got a string"},
      {"null", "invalid_request", "got null"},
      {"{}", "invalid_request", "cmd: required"},
      {R"({"cmd":7})", "invalid_request", "cmd: expected a string, got a number"},
      {R"({"cmd":"status","id":1.5})", "invalid_request", "id: must be a 64-bit integer or a string"},
      {R"({"cmd":"status","id":18446744073709551615})", "invalid_request", "id: must be a 64-bit integer"},
      {R"({"cmd":"status","id":{"a":1}})", "invalid_request", "got an object"},
      {R"({"cmd":"status","cmd":"start"})", "invalid_request", "field \"cmd\" appears more than once"},
      {R"({"cmd":"stop","reason":"fault","reason":"officer_end"})", "invalid_request",
       "field \"reason\" appears more than once"},
      {R"({"cmd":"reboot"})", "unknown_command", "unknown command \"reboot\"; known: start, status, stop"},
      {R"({"cmd":"status","verbose":true})", "unknown_argument",
       "status: unknown field \"verbose\"; it takes no fields"},
      {R"({"cmd":"stop","reason":"fault","reasn":"x"})", "unknown_argument",
       "stop: unknown field \"reasn\"; it takes reason"},
      {R"({"cmd":"start","trigger":["button"]})", "invalid_argument",
       "start: trigger: expected a string, got an array"},
  };
  for (const auto& c : cases) {
    INFO(c.line);
    protocol_under_test p;
    const json response = p.send_json(c.line);
    CHECK(refusal_code(response) == c.code);
    CHECK(refusal_message(response).find(c.message_part) != std::string::npos);
    CHECK(p.handler.calls().empty());
  }
}

TEST_CASE("the id is echoed on refusals whenever it could be read") {
  protocol_under_test p;
  CHECK(p.send_json(R"({"id":5,"cmd":"reboot"})").at("id") == 5);
  CHECK(p.send_json(R"({"id":"abc","cmd":"stop"})").at("id") == "abc");
  CHECK(p.send_json(R"({"id":-3,"cmd":"stop","reason":"x"})").at("id") == -3);
  CHECK_FALSE(p.send_json(R"({"cmd":"reboot"})").contains("id"));
  CHECK_FALSE(p.send_json(R"({"id":null,"cmd":"status"})").contains("id"));
}

TEST_CASE("a line over the limit is refused before it is parsed") {
  protocol_under_test p(64);
  const std::string at_limit = R"({"cmd":"status","id":")" + std::string(64 - 24, 'a') + "\"}";
  REQUIRE(at_limit.size() == 64);
  CHECK(p.send_json(at_limit).at("ok") == true);
  const std::string over = R"({"cmd":"status","id":")" + std::string(64 - 23, 'a') + "\"}";
  const json response = p.send_json(over);
  CHECK(refusal_code(response) == "line_too_long");
  CHECK(refusal_message(response) == "request line of 65 bytes exceeds the limit of 64");
  CHECK(p.handler.calls().size() == 1);
}

TEST_CASE("a trailing CR (a CRLF client) is ignored") {
  protocol_under_test p;
  CHECK(p.send_json("{\"cmd\":\"status\"}\r").at("ok") == true);
}

TEST_CASE("hostile lines never crash and always get exactly one JSON line") {
  protocol_under_test p(65536);
  std::vector<std::string> lines = {
      std::string(20000, '['),
      std::string(20000, '[') + std::string(20000, ']'),
      "{\"cmd\":\"status\",\"id\":\"" + std::string(10000, 'x') + "\"}",
      R"({"cmd":"status","id":1e999999})",
      R"({"cmd":"status","id":123456789012345678901234567890})",
      "{\"cmd\":\"\\u0000\\ud800\"}",
      "\xef\xbb\xbf{\"cmd\":\"status\"}",
  };
  // A valid request cut at every length, and deterministic random bytes.
  const std::string valid = R"({"cmd":"stop","reason":"officer_end","id":"k"})";
  for (std::size_t n = 0; n < valid.size(); ++n) lines.push_back(valid.substr(0, n));
  std::mt19937 random(20240611);
  for (int i = 0; i < 500; ++i) {
    std::string line(random() % 64, '\0');
    for (char& c : line) c = static_cast<char>(random() % 256);
    lines.push_back(line);
  }
  for (const auto& line : lines) {
    const std::string response = p.send(line);
    INFO(response);
    CHECK(response.find('\n') == std::string::npos);
    REQUIRE(json::accept(response));
    const json parsed = json::parse(response);
    REQUIRE(parsed.at("ok").is_boolean());
    if (parsed.at("ok") == false) CHECK(parsed.at("error").at("code").is_string());
  }
}

TEST_CASE("commands plug in by registration, without touching the parser core") {
  command_parser parser;
  REQUIRE(add_recorder_commands(parser).has_value());
  // An extension: "record" is another way to say start, from a companion UI's big red button.
  const auto added = parser.add("record", [](argument_reader& reader) -> protocol_expected<command> {
    if (auto done = reader.finish(); !done) return std::unexpected(done.error());
    return start_command{bodycam::common::record::start_trigger::button};
  });
  REQUIRE(added.has_value());
  CHECK(parser.names() == std::vector<std::string>{"record", "start", "status", "stop"});

  fake_handler handler;
  control_protocol protocol(parser, handler);
  const json response = json::parse(protocol.handle_line(R"({"cmd":"record"})"));
  CHECK(response.at("ok") == true);
  CHECK(response.at("cmd") == "start");
  CHECK(handler.calls() == std::vector<std::string>{"start:button"});

  const auto twice =
      parser.add("stop", [](argument_reader&) -> protocol_expected<command> { return status_command{}; });
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().code == bodycam::common::core::errc::conflict);
  CHECK_FALSE(add_recorder_commands(parser).has_value());
}

TEST_CASE("a parser without commands refuses every command by name") {
  command_parser parser;
  fake_handler handler;
  control_protocol protocol(parser, handler);
  const json response = json::parse(protocol.handle_line(R"({"cmd":"status"})"));
  CHECK(refusal_code(response) == "unknown_command");
  CHECK(handler.calls().empty());
}

TEST_CASE("session commands: registered, field-free, and unsupported by a handler that lacks them") {
  protocol_under_test p;
  REQUIRE(add_session_commands(p.parser).has_value());
  CHECK_FALSE(add_session_commands(p.parser).has_value());  // names already taken
  for (const char* name : {"precheck", "button", "dock_attach", "dock_detach"}) {
    INFO(name);
    const auto r = p.send_json(std::string(R"({"cmd":")") + name + R"(","id":3})");
    CHECK(refusal_code(r) == "unsupported");
    CHECK(refusal_message(r) == std::string(name) + ": not supported by this recorder");
    CHECK(r.at("id") == 3);
    const auto extra = p.send_json(std::string(R"({"cmd":")") + name + R"(","reason":"fault"})");
    CHECK(refusal_code(extra) == "unknown_argument");
  }
  CHECK(p.handler.calls().empty());
}

namespace {

template <class Command>
Command parsed_as(const command_parser& parser, std::string_view line) {
  auto request = parser.parse(line);
  INFO(line << " -> " << (request.parsed ? "" : request.parsed.error().message));
  REQUIRE(request.parsed.has_value());
  REQUIRE(std::holds_alternative<Command>(*request.parsed));
  return std::get<Command>(*request.parsed);
}

protocol_error refused(const command_parser& parser, std::string_view line) {
  auto request = parser.parse(line);
  INFO(line);
  REQUIRE_FALSE(request.parsed.has_value());
  return request.parsed.error();
}

}  // namespace

TEST_CASE("action, mark and officer commands parse into their fields") {
  command_parser parser;
  REQUIRE(add_field_commands(parser).has_value());
  CHECK_FALSE(add_field_commands(parser).has_value());  // names already taken

  const auto action = parsed_as<action_command>(parser, R"({"cmd":"action","type":"seizure","case":"CASE-2026-0042"})");
  CHECK(action.action == "seizure");
  CHECK(action.case_number == "CASE-2026-0042");
  CHECK(parsed_as<action_command>(parser, R"({"cmd":"action","type":"inquiry"})").case_number.empty());
  CHECK(parsed_as<mark_command>(parser, R"({"cmd":"mark","label":"keys handed over"})").label == "keys handed over");
  CHECK(parsed_as<mark_command>(parser, R"({"cmd":"mark"})").label.empty());
  const auto join = parsed_as<officer_command>(parser, R"({"cmd":"officer","change":"join","officer":"officer-9"})");
  CHECK(join.change == bodycam::common::record::officer_change::join);
  CHECK(join.officer_id == "officer-9");
  CHECK(parsed_as<officer_command>(parser, R"({"cmd":"officer","change":"leave","officer":"o.2"})").change ==
        bodycam::common::record::officer_change::leave);
}

TEST_CASE("action, mark and officer commands refuse bad input with a message naming the field") {
  command_parser parser;
  REQUIRE(add_field_commands(parser).has_value());
  SECTION("action without a type") {
    const auto e = refused(parser, R"({"cmd":"action","case":"C-1"})");
    CHECK(e.code == "missing_argument");
    CHECK(e.message.starts_with("action: type: required"));
  }
  SECTION("a case number over 64 bytes") {
    const auto e = refused(parser, R"({"cmd":"action","type":"inspection","case":")" + std::string(65, '7') + R"("})");
    CHECK(e.code == "invalid_argument");
    CHECK(e.message == "action: case: case number of 65 bytes exceeds the limit of 64");
    // 64 bytes is still fine.
    CHECK(parsed_as<action_command>(parser, R"({"cmd":"action","type":"inspection","case":")" + std::string(64, '7') +
                                                R"("})")
              .case_number.size() == 64);
  }
  SECTION("a case number with a control character") {
    const auto e = refused(parser, R"({"cmd":"action","type":"inspection","case":"C-1\nC-2"})");
    CHECK(e.code == "invalid_argument");
    CHECK(e.message == "action: case: case number holds a control character (byte 10 at offset 3)");
    CHECK(refused(parser, R"({"cmd":"action","type":"inspection","case":"C\u007f"})").code == "invalid_argument");
  }
  SECTION("a mark label too long or with a control character") {
    CHECK(refused(parser, R"({"cmd":"mark","label":")" + std::string(65, 'x') + R"("})").message ==
          "mark: label: mark label of 65 bytes exceeds the limit of 64");
    CHECK(refused(parser, R"({"cmd":"mark","label":"a\tb"})").code == "invalid_argument");
  }
  SECTION("a bad officer id") {
    for (const char* id : {"", ".hidden", "officer 9", "o/9", "officer\u00e9"}) {
      const auto e = refused(parser, std::string(R"({"cmd":"officer","change":"join","officer":")") + id + R"("})");
      INFO(id);
      CHECK(e.code == "invalid_argument");
      CHECK(e.message.starts_with("officer: officer: officer id"));
    }
    CHECK(refused(parser, R"({"cmd":"officer","change":"join","officer":")" + std::string(65, 'a') + R"("})").code ==
          "invalid_argument");
  }
  SECTION("officer without a change, with an unknown change, or without an id") {
    CHECK(refused(parser, R"({"cmd":"officer","officer":"officer-9"})").code == "missing_argument");
    const auto e = refused(parser, R"({"cmd":"officer","change":"swap","officer":"officer-9"})");
    CHECK(e.code == "invalid_argument");
    CHECK(e.message == "officer: change: must be one of join, leave, got \"swap\"");
    CHECK(refused(parser, R"({"cmd":"officer","change":"join"})").code == "missing_argument");
  }
  SECTION("unknown fields") {
    CHECK(refused(parser, R"({"cmd":"mark","lable":"x"})").code == "unknown_argument");
    CHECK(refused(parser, R"({"cmd":"action","type":"inquiry","case_number":"x"})").code == "unknown_argument");
  }
}

TEST_CASE("field commands reach the handler, which refuses them when it does not support them") {
  protocol_under_test p;
  REQUIRE(add_field_commands(p.parser).has_value());
  const auto r = p.send_json(R"({"cmd":"mark","id":7})");
  CHECK(refusal_code(r) == "unsupported");
  CHECK(refusal_message(r) == "mark: not supported by this recorder");
  CHECK(r.at("id") == 7);
  CHECK(p.handler.calls().empty());
}
