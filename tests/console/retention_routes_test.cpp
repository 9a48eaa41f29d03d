// The console's retention flows over a test store (console_handler.hpp H15): a hold placed from a session page
// and shown there; its release requested, refused to the requester as decider (page and POST), approved by
// another supervisor and carried out by the requester; the expiry page's dry run listing exactly the sessions
// past the policy and none under a hold, its request, approval and execution deleting exactly those files. After
// each flow the retention register and the audit (tools/audit, what `bodycam audit` runs) agree: no
// release_unapproved, expiry_unapproved or *_outside_request finding.
#include "console/access/route_policy.hpp"
#include "tests/console/console_fixture.hpp"
#include "tools/audit/enrollment_check.hpp"
#include "tools/audit/store_audit.hpp"
#include "tools/registers/export_approval.hpp"
#include "tools/registers/hold_release.hpp"
#include "tools/registers/register_book.hpp"
#include "tools/retention/retention_actions.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace bodycam;
using namespace bodycam::tests;
namespace ac = bodycam::console::access;
namespace registers = bodycam::tools::registers;
namespace record = bodycam::common::record;

namespace {

using bodycam::tests::role_bit;

registers::signed_entry last_retention_entry_of(const registers::register_book& book, const std::string& person) {
  for (const auto& c : book.clerks)
    if (c.clerk == person && !c.entries.empty()) return c.entries.back();
  FAIL("no retention entry of " << person);
  throw std::logic_error("unreachable");
}

registers::register_book retention_book(const console_fixture& f) {
  auto book = registers::read_register(f.store, common::store::entry_namespace::retention).value();
  REQUIRE(book.is_intact());
  return book;
}

// The audit's two-person findings over the retention register (and the access register).
std::vector<registers::approval_finding> audit_approval_findings(console_fixture& f) {
  tools::audit::audit_options options;
  options.now = f.now;
  const auto report = tools::audit::audit_store(f.store, options).value();
  return tools::audit::check_enrollment(f.store, report, tools::audit::trusted_root{f.agency.root().public_key(), "test"})
      .value()
      .approval_findings;
}

struct session_files {
  std::set<common::crypto::sha256_digest> objects;
  std::uint64_t bytes = 0;
};

session_files files_of(const console_fixture& f, const record::session_id& session) {
  session_files out;
  for (const auto& r : f.camera.records()) {
    if (const auto* s = std::get_if<record::segment_payload>(&r.body.body); s && s->session == session) {
      out.objects.insert(s->file_sha256);
      out.bytes += s->byte_length;
    } else if (const auto* a = std::get_if<record::annotation_payload>(&r.body.body);
               a && a->session == session && a->status != record::annotation_status::missing) {
      out.objects.insert(a->file_sha256);
      out.bytes += a->byte_length;
    }
  }
  return out;
}

std::string place_hold_through_form(console_fixture& f, const std::string& cookie, const std::string& session_path) {
  const auto page = f.get(session_path, cookie);
  REQUIRE(page.status == 200);
  REQUIRE(page.body.find("action=\"" + session_path + "/holds\"") != std::string::npos);
  const auto posted = f.request("POST", session_path + "/holds", cookie,
                                "reason=legal_hold&reference=CASE-2026-0077&csrf=" + f.csrf_of(cookie));
  INFO(posted.body);
  REQUIRE(posted.status == 303);
  CHECK(posted.header("Location") == session_path);
  const auto placed = last_retention_entry_of(retention_book(f), "clerk-1");
  CHECK(placed.body.kind == registers::entry_kind::hold);
  CHECK(placed.body.action == "legal_hold");
  CHECK(placed.body.reference == "CASE-2026-0077");
  return registers::entry_name(placed.body);
}

std::string plan_token_of(const std::string& page) {
  const std::string marker = "name=\"plan\" value=\"";
  const auto at = page.find(marker);
  REQUIRE(at != std::string::npos);
  return page.substr(at + marker.size(), page.find('"', at + marker.size()) - at - marker.size());
}

}  // namespace

TEST_CASE("hold placed from the session page, shown there; release requested, approved by another, carried out") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk) | role_bit(ac::role::supervisor));  // may decide others', never their own
  f.add_person("sup-1", role_bit(ac::role::supervisor));
  const std::string clerk = f.login("clerk-1");
  const std::string session_path = f.session_path();
  const std::string hold = place_hold_through_form(f, clerk, session_path);
  REQUIRE(retention_book(f).entry_count() == 1);

  const auto shown = f.get(session_path, clerk);
  REQUIRE(shown.status == 200);
  CHECK(shown.body.find("retention/" + hold) != std::string::npos);
  CHECK(shown.body.find("CASE-2026-0077") != std::string::npos);
  CHECK(shown.body.find("action=\"/retention/release-request\"") != std::string::npos);
  // The same hold again is refused as already in force; nothing written.
  const auto again = f.request("POST", session_path + "/holds", clerk,
                               "reason=evidence&reference=CASE-2&csrf=" + f.csrf_of(clerk));
  CHECK(again.status == 409);
  CHECK(retention_book(f).entry_count() == 1);

  const auto asked = f.request("POST", "/retention/release-request", clerk,
                               "hold=" + hold + "&reference=CASE-CLOSED&csrf=" + f.csrf_of(clerk));
  INFO(asked.body);
  REQUIRE(asked.status == 303);
  const auto request_entry = last_retention_entry_of(retention_book(f), "clerk-1");
  CHECK(request_entry.body.action == registers::release_request_action(hold));
  const std::string request = registers::entry_name(request_entry.body);
  CHECK(f.get(session_path, clerk).body.find("release requested") != std::string::npos);
  const std::size_t after_request = retention_book(f).entry_count();
  CHECK(after_request == 2);

  // The requester may not decide, neither the page nor the POST; nor release before an approval.
  CHECK(f.get("/retention/requests/" + request, clerk).status == 403);
  const auto self = f.request("POST", "/retention/requests/" + request, clerk,
                              "decision=approve&csrf=" + f.csrf_of(clerk));
  CHECK(self.status == 403);
  CHECK(self.body.find("your own request") != std::string::npos);
  const auto early = f.request("POST", "/retention/requests/" + request + "/execute", clerk, "csrf=" + f.csrf_of(clerk));
  CHECK(early.status == 409);
  CHECK(retention_book(f).entry_count() == after_request);

  const std::string sup = f.login("sup-1");
  const auto approvals = f.get("/approvals", sup);
  REQUIRE(approvals.status == 200);
  CHECK(approvals.body.find("retention/" + request) != std::string::npos);
  CHECK(f.get("/retention/requests/" + request, sup).status == 200);
  // Another supervisor may not carry out clerk-1's request.
  CHECK(f.request("POST", "/retention/requests/" + request + "/execute", sup, "csrf=" + f.csrf_of(sup)).status == 403);
  const auto approve =
      f.request("POST", "/retention/requests/" + request, sup, "decision=approve&csrf=" + f.csrf_of(sup));
  REQUIRE(approve.status == 303);
  CHECK(last_retention_entry_of(retention_book(f), "sup-1").body.action == registers::decision_action({request, true}));

  const auto mine = f.get("/expiry", clerk);
  REQUIRE(mine.status == 200);
  CHECK(mine.body.find("action=\"/retention/requests/" + request + "/execute\"") != std::string::npos);
  const auto released =
      f.request("POST", "/retention/requests/" + request + "/execute", clerk, "csrf=" + f.csrf_of(clerk));
  INFO(released.body);
  REQUIRE(released.status == 303);
  const auto book = retention_book(f);
  const auto release = last_retention_entry_of(book, "clerk-1");
  CHECK(release.body.action == registers::release_action(hold));
  CHECK(release.body.reference == registers::export_reference(request));
  CHECK(tools::retention::holds_in_force(book).empty());
  CHECK(f.get(session_path, clerk).body.find("No hold covers this session") != std::string::npos);
  // The requester carried it out; the supervisor is named as the approver, never as the one who carried it out.
  CHECK(f.get("/expiry", clerk).body.find("carried out (approved by sup-1)") != std::string::npos);
  // Carried out once only.
  CHECK(f.request("POST", "/retention/requests/" + request + "/execute", clerk, "csrf=" + f.csrf_of(clerk)).status ==
        409);

  const auto findings = audit_approval_findings(f);
  for (const auto& finding : findings) INFO(finding.entry << " " << finding.code << " " << finding.detail);
  CHECK(findings.empty());
}

TEST_CASE("expiry: the dry run lists the sessions past the policy and none under a hold; the approved request "
          "deletes exactly those files") {
  console_fixture f;
  const record::session_id held_session = f.camera.session();
  record_shift(f.camera, 2, std::chrono::minutes(5));  // a second session of the same camera
  const record::session_id due_session = f.camera.session();
  REQUIRE(held_session != due_session);
  const auto held_files = files_of(f, held_session);
  const auto due_files = files_of(f, due_session);
  REQUIRE(held_files.objects.size() >= 3);
  REQUIRE(due_files.objects.size() >= 2);
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  f.add_person("sup-1", role_bit(ac::role::supervisor));
  f.add_person("sup-2", role_bit(ac::role::supervisor));
  // The shift's footage (both sessions) is past the policy at the console's time: without the hold both would be due.
  REQUIRE(f.camera.now() + tools::retention::minimum_retention < f.now);
  const std::string clerk = f.login("clerk-1");
  place_hold_through_form(f, clerk, "/sessions/cam-0001/" + held_session.to_hex());
  const auto dry = f.get("/expiry", clerk);
  REQUIRE(dry.status == 200);
  INFO(dry.body);
  const std::string summary = "1 session(s), " + std::to_string(due_files.objects.size()) + " file(s), " +
                              std::to_string(due_files.bytes) + " bytes would expire";
  CHECK(dry.body.find(summary) != std::string::npos);
  CHECK(dry.body.find("1 session(s) (" + std::to_string(held_files.objects.size()) + " file(s)) past the period are kept by a hold") !=
        std::string::npos);
  CHECK(dry.body.find(due_session.to_hex()) != std::string::npos);
  CHECK(dry.body.find(held_session.to_hex()) == std::string::npos);
  const std::string plan = plan_token_of(dry.body);
  const std::size_t before = retention_book(f).entry_count();

  // A request for another plan than the page showed is refused; nothing written.
  CHECK(f.request("POST", "/expiry/request", clerk, "reference=POLICY-183&plan=99:1&csrf=" + f.csrf_of(clerk)).status ==
        409);
  CHECK(retention_book(f).entry_count() == before);
  const auto asked =
      f.request("POST", "/expiry/request", clerk, "reference=POLICY-183&plan=" + plan + "&csrf=" + f.csrf_of(clerk));
  INFO(asked.body);
  REQUIRE(asked.status == 303);
  const auto request_entry = last_retention_entry_of(retention_book(f), "clerk-1");
  CHECK(request_entry.body.action == registers::expiry_request_action);
  std::set<common::crypto::sha256_digest> requested;
  for (const auto& o : request_entry.body.objects) requested.insert(o.sha256);
  CHECK(requested == due_files.objects);
  REQUIRE(request_entry.body.scopes.size() == 1);
  CHECK(request_entry.body.scopes[0].session == due_session);
  const std::string request = registers::entry_name(request_entry.body);

  // clerk-1 cannot decide (no supervisor role); the decision page is refused too.
  CHECK(f.get("/retention/requests/" + request, clerk).status == 403);
  const std::string sup = f.login("sup-1");
  const auto page = f.get("/retention/requests/" + request, sup);
  REQUIRE(page.status == 200);
  CHECK(page.body.find(due_session.to_hex()) != std::string::npos);
  CHECK(page.body.find(held_session.to_hex()) == std::string::npos);
  REQUIRE(f.request("POST", "/retention/requests/" + request, sup, "decision=approve&csrf=" + f.csrf_of(sup)).status ==
          303);
  // A second decision is refused (already decided).
  const std::string sup2 = f.login("sup-2");
  CHECK(f.request("POST", "/retention/requests/" + request, sup2, "decision=refuse&csrf=" + f.csrf_of(sup2)).status ==
        409);

  const auto done = f.request("POST", "/retention/requests/" + request + "/execute", clerk, "csrf=" + f.csrf_of(clerk));
  INFO(done.body);
  REQUIRE(done.status == 303);
  for (const auto& o : due_files.objects) CHECK_FALSE(f.store.has_object(o).value());
  for (const auto& o : held_files.objects) CHECK(f.store.has_object(o).value());
  const auto event = last_retention_entry_of(retention_book(f), "clerk-1");
  CHECK(registers::is_expiry_event(event.body));
  CHECK(event.body.reference == registers::export_reference(request));
  std::set<common::crypto::sha256_digest> deleted;
  for (const auto& o : event.body.objects) deleted.insert(o.sha256);
  CHECK(deleted == due_files.objects);
  // Nothing is due any more.
  CHECK(f.get("/expiry", clerk).body.find("0 session(s), 0 file(s), 0 bytes would expire") != std::string::npos);

  const auto findings = audit_approval_findings(f);
  for (const auto& finding : findings) INFO(finding.entry << " " << finding.code << " " << finding.detail);
  CHECK(findings.empty());
  tools::audit::audit_options options;
  options.now = f.now;
  const auto report = tools::audit::audit_store(f.store, options).value();
  std::size_t expired = 0;
  for (const auto& d : report.devices)
    for (const auto& s : d.sessions)
      for (const auto& o : s.segments) {
        if (s.session == due_session) CHECK(o.state == tools::audit::object_state::expired);
        if (s.session == held_session) CHECK(o.state != tools::audit::object_state::expired);
        if (o.state == tools::audit::object_state::expired) ++expired;
      }
  CHECK(expired == 2);  // the due session's two segments
}
