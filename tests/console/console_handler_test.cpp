// The request handler over a test store: login, lockout, TOTP, cookies, CSRF, revocation, the authorization
// matrix generated from the route table, path traversal, Range downloads, and the access register holding
// exactly the entries the test's views and downloads made.
#include "console/access/route_policy.hpp"
#include "console/access/totp.hpp"
#include "tests/console/console_fixture.hpp"
#include "tools/audit/enrollment_check.hpp"
#include "tools/audit/store_audit.hpp"
#include "tools/registers/access_outcome.hpp"
#include "tools/registers/register_book.hpp"

#include <catch2/catch.hpp>

using namespace bodycam;
using namespace bodycam::tests;
namespace ac = bodycam::console::access;
namespace en = bodycam::tools::enrollment;
namespace registers = bodycam::tools::registers;

namespace {

using bodycam::tests::role_bit;

}  // namespace

TEST_CASE("login: success sets a strict cookie and opens the home page") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  const auto r = f.post_login("clerk-1", test_password);
  REQUIRE(r.status == 303);
  const std::string cookie = r.header("Set-Cookie");
  CHECK(cookie.find("; HttpOnly") != std::string::npos);
  CHECK(cookie.find("; SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("; Secure") != std::string::npos);
  CHECK(cookie.find("; Path=/") != std::string::npos);
  CHECK(cookie.find("; Max-Age=28800") != std::string::npos);
  const auto home = f.get("/", f.login("clerk-1"));
  CHECK(home.status == 200);
  CHECK(home.body.find("/sessions") != std::string::npos);
  CHECK(home.header("Content-Security-Policy").find("script-src 'self'") != std::string::npos);
}

TEST_CASE("login: wrong password, unknown person, account without enrollment are refused") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  CHECK(f.post_login("clerk-1", "wrong").status == 401);
  CHECK(f.post_login("nobody", test_password).status == 401);
  CHECK(f.post_login("../clerk-1", test_password).status == 401);
  CHECK(f.get("/").status == 401);  // no cookie
  // An account whose key the register does not enroll: copy clerk-1's account under another name.
  std::filesystem::copy_file(f.dir / "accounts" / "clerk-1.account", f.dir / "accounts" / "ghost.account");
  CHECK(f.post_login("ghost", test_password).status == 401);
}

TEST_CASE("login: five_failures_lock_the_account for 15 minutes, even with the right password") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  for (int i = 0; i < 5; ++i) {
    CHECK(f.post_login("clerk-1", "wrong").status == 401);
    f.now += std::chrono::seconds(10);
  }
  const auto locked = f.post_login("clerk-1", test_password);
  CHECK(locked.status == 429);
  CHECK(locked.body.find("locked until") != std::string::npos);
  f.now += std::chrono::minutes(15);
  CHECK(f.post_login("clerk-1", test_password).status == 303);
}

TEST_CASE("login: TOTP required when the account has a secret") {
  console_fixture f;
  const common::core::byte_buffer secret(20, 0x5a);
  f.add_person("super-1", role_bit(ac::role::supervisor), secret);
  CHECK(f.post_login("super-1", test_password).status == 401);
  const std::string wrong_code = ac::totp_code(secret, f.now) == "123456" ? "654321" : "123456";
  CHECK(f.post_login("super-1", test_password, wrong_code).status == 401);
  CHECK(f.post_login("super-1", "wrong", ac::totp_code(secret, f.now)).status == 401);
  CHECK(f.post_login("super-1", test_password, ac::totp_code(secret, f.now)).status == 303);
}

TEST_CASE("login: a one-time code is good for one login only (replayed_totp_code)") {
  console_fixture f;
  const common::core::byte_buffer secret(20, 0x5a);
  f.add_person("super-1", role_bit(ac::role::supervisor), secret);
  const std::string code = ac::totp_code(secret, f.now);
  CHECK(f.post_login("super-1", test_password, code).status == 303);
  const auto replay = f.post_login("super-1", test_password, code);
  CHECK(replay.status == 401);
  CHECK(replay.body.find("used already") != std::string::npos);
  f.now += std::chrono::seconds(30);  // the old code is still inside the skew window, and still refused
  CHECK(f.post_login("super-1", test_password, code).status == 401);
  CHECK(f.post_login("super-1", test_password, ac::totp_code(secret, f.now)).status == 303);
}

TEST_CASE("session: tampered, expired and other-key cookies are refused; a revoked person is out at once") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  const std::string cookie = f.login("clerk-1");
  CHECK(f.get("/", cookie).status == 200);
  std::string tampered = cookie;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  CHECK(f.get("/", tampered).status == 401);
  {
    const common::core::byte_buffer other(32, 9);
    const auto other_key = ac::make_cookie_key(other).value();
    common::core::byte_buffer seed(32, 1);
    const auto forged = ac::seal_session_cookie(
        {"clerk-1", en::all_roles_mask, f.now + std::chrono::hours(1), common::crypto::secret_key::from_seed(seed).value()},
        other_key);
    CHECK(f.get("/", forged.value()).status == 401);
  }
  f.now += std::chrono::hours(8);
  CHECK(f.get("/", cookie).status == 401);
  f.now -= std::chrono::hours(8);
  CHECK(f.get("/", cookie).status == 200);
  f.revoke("clerk-1");
  CHECK(f.get("/", cookie).status == 401);
  CHECK(f.post_login("clerk-1", test_password).status == 401);
}

TEST_CASE("csrf: a POST without the session's token or with another is refused") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  f.add_person("clerk-2", role_bit(ac::role::clerk));
  const std::string cookie = f.login("clerk-1");
  const std::string other = f.login("clerk-2");
  CHECK(f.request("POST", "/logout", cookie, "").status == 403);
  CHECK(f.request("POST", "/logout", cookie, "csrf=" + std::string(64, '0')).status == 403);
  CHECK(f.request("POST", "/logout", cookie, "csrf=" + f.csrf_of(other)).status == 403);
  const auto out = f.request("POST", "/logout", cookie, "csrf=" + f.csrf_of(cookie));
  CHECK(out.status == 303);
  CHECK(out.header("Set-Cookie").find("Max-Age=0") != std::string::npos);
}

TEST_CASE("authorization matrix: every route x role x own/other footage or request, from the one table") {
  // For each role, officer-7 (whose footage the shift is) holds that role alone, and other-<role> too. Export
  // requests: one of officer-7's approved by a supervisor (download: own), one of officer-7's pending (decide:
  // own), one of requester-x's pending (decide: other).
  for (const ac::role role : ac::all_roles) {
    console_fixture f;
    const std::string other = "other-" + std::string(en::to_string(role));
    f.add_person(std::string(shift_officer), role_bit(role));
    f.add_person(other, role_bit(role));
    f.add_person("approver-x", role_bit(ac::role::supervisor));
    f.add_person("requester-x", role_bit(ac::role::clerk));
    const std::string approved = f.request_export(std::string(shift_officer));
    f.decide_export("approver-x", approved, true);
    const std::string own_pending = f.request_export(std::string(shift_officer));
    const std::string other_pending = f.request_export("requester-x");
    // Retention: a hold in force (a time range on cam-0001) whose release the release_request route asks for; a
    // release request of officer-7's approved by approver-x (execute: own), one of officer-7's pending (decide:
    // own), one of requester-x's pending (decide: other).
    const std::string hold = f.hold_range_as("requester-x");
    const std::string own_release = f.request_release_as(std::string(shift_officer), hold);
    f.decide_retention("approver-x", own_release, true);
    const std::string own_release_pending = f.request_release_as(std::string(shift_officer), hold);
    const std::string other_release_pending = f.request_release_as("requester-x", hold);
    std::size_t expected_retention = f.retention_entries();
    REQUIRE(expected_retention == 5);
    bool session_held = false;
    const std::map<ac::ownership, std::string> cookies{{ac::ownership::own, f.login(std::string(shift_officer))},
                                                       {ac::ownership::other, f.login(other)}};
    const std::string seq = std::to_string(f.first_segment_seq());
    std::size_t expected_entries = f.access_entries();
    REQUIRE(expected_entries == 4);
    std::size_t expected_notes = 0;
    for (const ac::route r : ac::all_routes) {
      const bool per_owner = ac::is_footage_route(r) || ac::is_request_route(r) || ac::is_note_route(r);
      // Routes without footage or a request are asked with ownership none; the others with own and other (P2
      // makes none impossible for them, tested in pure_web_test.cpp).
      const std::vector<ac::ownership> columns =
          per_owner ? std::vector{ac::ownership::own, ac::ownership::other} : std::vector{ac::ownership::none};
      for (const ac::ownership o : columns) {
        const std::string& cookie = cookies.at(o == ac::ownership::none ? ac::ownership::other : o);
        std::string target, body;
        std::size_t writes = 0;
        std::size_t notes = 0;
        std::size_t retention_writes = 0;
        unsigned success = 200;
        switch (r) {
          case ac::route::home: target = "/"; break;
          case ac::route::session_list: target = "/sessions"; break;
          case ac::route::session_page: target = f.session_path(); writes = 1; break;
          case ac::route::session_playback: target = f.session_path() + "/play"; writes = 1; break;
          case ac::route::file_download: target = f.session_path() + "/files/" + seq; writes = 2; break;
          case ac::route::access_register: target = "/registers/access"; break;
          case ac::route::audit_report: target = "/audit"; break;
          case ac::route::enrollment_view: target = "/enrollment"; break;
          case ac::route::export_request:
            target = "/exports/request";
            body = "device=cam-0001&session=" + f.camera.session().to_hex() + "&reference=CASE-1";
            writes = 1;
            success = 303;
            break;
          case ac::route::export_list: target = "/exports"; break;
          case ac::route::export_download: target = "/exports/" + approved + "/bundle.tar"; writes = 2; break;
          case ac::route::approvals: target = "/approvals"; break;
          case ac::route::approval_decision:
            target = "/approvals/" + (o == ac::ownership::own ? own_pending : other_pending);
            body = "decision=approve";
            writes = 1;
            success = 303;
            break;
          case ac::route::fleet: target = "/fleet"; break;
          case ac::route::statistics: target = "/statistics"; break;
          case ac::route::statistics_csv: target = "/statistics.csv"; break;
          case ac::route::api_sessions: target = "/api/v1/sessions"; break;
          case ac::route::api_session:
            target = "/api/v1/sessions/cam-0001/" + f.camera.session().to_hex();
            writes = 1;
            break;
          case ac::route::api_statistics: target = "/api/v1/statistics"; break;
          case ac::route::api_fleet: target = "/api/v1/fleet"; break;
          case ac::route::api_openapi: target = "/api/v1/openapi.yaml"; break;
          case ac::route::search: target = "/search?device=cam-0001"; break;
          case ac::route::note_add:
            target = f.session_path() + "/notes";
            body = "place=Rue+de+la+Gare+4";
            notes = 1;
            success = 303;
            break;
          case ac::route::viewing_copy:
            // This shift's segments are byte blobs, not MP4: an allowed request stores its access entry and a
            // failed outcome and answers 503 (viewing_copy_route_test.cpp copies real footage).
            target = f.session_path() + "/copy.mp4";
            writes = 2;
            success = 503;
            break;
          case ac::route::hold_place:
            // The second allowed hold on the same session is refused as already in force (409), nothing written.
            target = f.session_path() + "/holds";
            body = "reason=legal_hold&reference=CASE-H";
            retention_writes = session_held ? 0 : 1;
            success = session_held ? 409 : 303;
            break;
          case ac::route::release_request:
            target = "/retention/release-request";
            body = "hold=" + hold + "&reference=CASE-R";
            retention_writes = 1;
            success = 303;
            break;
          case ac::route::expiry_view: target = "/expiry"; break;
          case ac::route::expiry_request:
            // The plan "0:0" is not the dry run's (the shift is past the policy), so an allowed request is answered
            // 409 and writes nothing (retention_routes_test.cpp requests a real expiry).
            target = "/expiry/request";
            body = "reference=POLICY&plan=0:0";
            success = 409;
            break;
          case ac::route::retention_decision:
            target = "/retention/requests/" + (o == ac::ownership::own ? own_release_pending : other_release_pending);
            body = "decision=approve";
            retention_writes = 1;
            success = 303;
            break;
          case ac::route::retention_execute:
            target = "/retention/requests/" + own_release + "/execute";
            body = "x=1";
            retention_writes = 1;
            success = 303;
            break;
        }
        const bool allowed = ac::is_allowed(r, role_bit(role), o);
        const auto response = body.empty() ? f.get(target, cookie)
                                           : f.request("POST", target, cookie, body + "&csrf=" + f.csrf_of(cookie));
        INFO("role " << en::to_string(role) << ", route " << ac::to_string(r) << ", ownership " << ac::to_string(o)
                     << ": " << response.body.substr(0, 300));
        CHECK(response.status == (allowed ? success : 403u));
        // The API refuses in JSON (api_json.hpp J2), the pages in HTML.
        if (!ac::api_path(r).empty() && !allowed)
          CHECK(response.body.find("\"code\": \"forbidden\"") != std::string::npos);
        if (allowed) expected_entries += writes;
        if (allowed) expected_notes += notes;
        if (allowed) expected_retention += retention_writes;
        if (allowed && r == ac::route::hold_place) session_held = true;
        // Nothing refused ever wrote an entry; everything allowed wrote its own.
        CHECK(f.access_entries() == expected_entries);
        CHECK(f.note_entries() == expected_notes);
        CHECK(f.retention_entries() == expected_retention);
      }
    }
  }
}

TEST_CASE("path_traversal_in_session_and_file_ids: 404 and no entry") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  const std::string cookie = f.login("clerk-1");
  const std::string hex = f.camera.session().to_hex();
  for (const std::string& target : std::vector<std::string>{"/sessions/../store", "/sessions/cam-0001/../../keys", "/sessions/..%2f..%2fkeys/" + hex,
        "/sessions/cam-0001/" + hex.substr(0, 31), "/sessions/cam-0001/" + hex + "/files/../../objects",
        "/sessions/cam-0001/" + hex + "/files/01", "/sessions/cam-0001/" + hex + "/files/-1",
        "/sessions/cam-0001/" + hex + "/files/1e3", "/sessions/cam-0001/" + hex + "/files/99999",
        "/sessions/cam-0002/" + hex, "/sessions/cam-0001/" + hex + "/other", "/sessions/cam-0001/" + hex + "/play/x",
        "/sessions/%2e%2e/" + hex, "/sessions/cam-0001/" + std::string(32, 'g')}) {
    INFO(target);
    CHECK(f.get(target, cookie).status == 404);
  }
  CHECK(f.access_entries() == 0);
}

TEST_CASE("download: Range answered 206 with Content-Range, 416 past the end, each with its entries") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  const std::string cookie = f.login("clerk-1");
  const std::string target = f.session_path() + "/files/" + std::to_string(f.first_segment_seq());
  const std::uint64_t size = f.first_segment_bytes();
  REQUIRE(size > 4);
  const auto whole = f.get(target, cookie);
  CHECK(whole.status == 200);
  CHECK(whole.body.size() == size);
  CHECK(whole.header("Accept-Ranges") == "bytes");
  const auto part = f.get(target, cookie, {{"range", "bytes=1-3"}});
  CHECK(part.status == 206);
  CHECK(part.body == whole.body.substr(1, 3));
  CHECK(part.header("Content-Range") == "bytes 1-3/" + std::to_string(size));
  const auto tail = f.get(target, cookie, {{"range", "bytes=-2"}});
  CHECK(tail.status == 206);
  CHECK(tail.body == whole.body.substr(size - 2));
  const auto beyond = f.get(target, cookie, {{"range", "bytes=" + std::to_string(size) + "-"}});
  CHECK(beyond.status == 416);
  CHECK(beyond.header("Content-Range") == "bytes */" + std::to_string(size));
  // Three downloads made (the 416 sent nothing and wrote nothing): an access entry and an outcome each.
  CHECK(f.access_entries() == 6);
}

TEST_CASE("access register: exactly one entry per view, signed by the person, with the purpose given") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  const std::string cookie = f.login("clerk-1");
  CHECK(f.get("/sessions", cookie).status == 200);  // the list shows no footage: no entry
  CHECK(f.access_entries() == 0);
  CHECK(f.get(f.session_path() + "?purpose=CASE-2026-0042", cookie).status == 200);
  CHECK(f.get(f.session_path(), cookie).status == 200);
  CHECK(f.get(f.session_path() + "/play", cookie).status == 200);
  CHECK(f.get(f.session_path() + "/files/" + std::to_string(f.first_segment_seq()), cookie).status == 200);
  const auto book = registers::read_register(f.store, common::store::entry_namespace::access).value();
  REQUIRE(book.is_intact());
  REQUIRE(book.clerks.size() == 1);
  CHECK(book.clerks[0].clerk == "clerk-1");
  const auto& e = book.clerks[0].entries;
  REQUIRE(e.size() == 5);
  CHECK(e[0].body.action == "console_view");
  CHECK(e[0].body.reference == "CASE-2026-0042");
  CHECK(e[1].body.reference == "console view");
  CHECK(e[2].body.action == "console_playback");
  CHECK(e[3].body.action == "console_download");
  REQUIRE(e[3].body.objects.size() == 1);
  CHECK(e[3].body.objects[0].byte_length == f.first_segment_bytes());
  const auto outcome = registers::parse_outcome_action(e[4].body.action);
  REQUIRE(outcome);
  CHECK(outcome->completed);
  CHECK(outcome->concludes == "clerk-1.3");
  CHECK(e[0].body.scopes.at(0).session == f.camera.session());
}

TEST_CASE("access register unwritable: footage refused with 503 and nothing shown") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  const std::string cookie = f.login("clerk-1");
  // Another key already stored under the person's id: append_entry refuses (register_book invariant 2).
  REQUIRE(f.store.put_public_key({"clerk-1", common::crypto::secret_key::generate().value().public_key()}));
  const auto view = f.get(f.session_path(), cookie);
  CHECK(view.status == 503);
  CHECK(view.body.find("nothing is shown") != std::string::npos);
  CHECK(view.body.find("Segments") == std::string::npos);
  const auto file = f.get(f.session_path() + "/files/" + std::to_string(f.first_segment_seq()), cookie);
  CHECK(file.status == 503);
  CHECK(file.body.size() < 4096);
  CHECK(file.content_type.starts_with("text/html"));
}

TEST_CASE("session list: officer sees only their own sessions; filters by device and time") {
  console_fixture f;
  f.add_person(std::string(shift_officer), role_bit(ac::role::officer));
  f.add_person("officer-9", role_bit(ac::role::officer));
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  const std::string short_id = f.camera.session().to_hex().substr(0, 8);
  CHECK(f.get("/sessions", f.login(std::string(shift_officer))).body.find(short_id) != std::string::npos);
  CHECK(f.get("/sessions", f.login("officer-9")).body.find(short_id) == std::string::npos);
  const std::string clerk = f.login("clerk-1");
  CHECK(f.get("/sessions?device=cam-0001&from=2026-01-10&to=2026-01-11", clerk).body.find(short_id) != std::string::npos);
  CHECK(f.get("/sessions?device=cam-0002", clerk).body.find(short_id) == std::string::npos);
  CHECK(f.get("/sessions?from=2026-01-11", clerk).body.find(short_id) == std::string::npos);
  CHECK(f.get("/sessions?from=yesterday", clerk).status == 400);
}

TEST_CASE("footage answers GET only: HEAD of a file is 405 and writes no entry") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  const std::string cookie = f.login("clerk-1");
  const auto head = f.request("HEAD", f.session_path() + "/files/" + std::to_string(f.first_segment_seq()), cookie);
  CHECK(head.status == 405);
  CHECK(head.header("Allow") == "GET");
  CHECK(f.request("HEAD", f.session_path(), cookie).status == 405);
  CHECK(f.access_entries() == 0);
  CHECK(f.request("HEAD", "/login").status == 200);  // pages without footage answer HEAD
}

TEST_CASE("officer_views_pass_the_audit: an officer's entries for their own session count, one for another's does not") {
  console_fixture f;
  f.add_person(std::string(shift_officer), role_bit(ac::role::officer));
  const auto cookie = f.login(std::string(shift_officer));
  REQUIRE(f.get(f.session_path(), cookie).status == 200);
  REQUIRE(f.get(f.session_path() + "/files/" + std::to_string(f.first_segment_seq()), cookie).status == 200);
  REQUIRE(f.access_entries() == 3);  // view, download, outcome

  // Another officer's key, enrolled, signs an entry naming officer-7's session (the console would refuse it).
  common::crypto::software_signer other(common::crypto::secret_key::generate().value());
  f.agency.enroll(en::subject_kind::person, {"officer-9", other.public_key()}, role_bit(ac::role::officer));
  tools::registers::register_entry forged;
  forged.kind = tools::registers::entry_kind::access;
  forged.utc = f.now;
  forged.department = "test unit";
  forged.reference = "curious";
  forged.action = "console_view";
  tools::registers::scope sc;
  sc.device = common::record::device_id::parse("cam-0001").value();
  sc.session = f.camera.session();
  forged.scopes.push_back(sc);
  REQUIRE(tools::registers::append_entry(f.store, common::store::entry_namespace::access, "officer-9", forged, other));

  const auto report = tools::audit::audit_store(f.store, {}).value();
  const auto checked =
      tools::audit::check_enrollment(f.store, report, tools::audit::trusted_root{f.agency.root().public_key(), "test"})
          .value();
  std::string all;
  for (const auto& p : checked.problems) all += p + "\n";
  INFO(all);
  CHECK(all.find("access/officer-7.") == std::string::npos);
  CHECK(all.find("access/officer-9.0") != std::string::npos);
  CHECK(all.find("is not a session of officer officer-9") != std::string::npos);
  CHECK(checked.verdict == common::chain::verdict::not_authentic);
}
