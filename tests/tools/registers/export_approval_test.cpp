// Two-person export (tools/registers/export_approval.hpp, E1-E4): a scenario of access entries, each test
// named for the way the rule is broken, asserting the exact findings and the requests' states; then the same
// rule over the retention register for expiry and hold release.
#include "common/store/memory_backend.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tools/registers/export_approval.hpp"
#include "tools/registers/hold_release.hpp"

#include <map>
#include <set>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace export_approval_test {

using namespace bodycam::common;
namespace reg = bodycam::tools::registers;
using bodycam::tests::fixed_key;

namespace {

const record::utc_time t0 = record::utc_time(std::chrono::seconds(1'795'000'000));

reg::scope session_scope(std::uint8_t which) {
  reg::scope s;
  s.device = record::device_id::parse("cam-0001").value();
  s.session.bytes.fill(which);
  return s;
}

struct scenario {
  store::store s{std::make_unique<store::memory_backend>()};
  std::map<std::string, crypto::software_signer> people;
  std::set<std::string> supervisors{"sup-1", "sup-2"};

  crypto::software_signer& signer(const std::string& who) {
    auto it = people.find(who);
    if (it == people.end())
      it = people.emplace(who, crypto::software_signer(fixed_key(static_cast<std::uint8_t>(60 + people.size())))).first;
    return it->second;
  }
  // Appends an entry and returns its name "<who>.<seq>".
  std::string add(const std::string& who, std::string action, std::string reference, reg::scope sc,
                  std::chrono::hours at) {
    reg::register_entry e;
    e.kind = reg::entry_kind::access;
    e.utc = t0 + at;
    e.department = "records unit";
    e.reference = std::move(reference);
    e.action = std::move(action);
    e.scopes.push_back(sc);
    auto stored = reg::append_entry(s, store::entry_namespace::access, who, std::move(e), signer(who));
    REQUIRE(stored);
    return reg::entry_name(stored->body);
  }
  std::string request(const std::string& who, std::uint8_t which = 1, std::chrono::hours at = std::chrono::hours(0)) {
    return add(who, std::string(reg::export_request_action), "CASE-2026-0042", session_scope(which), at);
  }
  std::string decide(const std::string& who, const std::string& request, bool approve, std::uint8_t which = 1,
                     std::chrono::hours at = std::chrono::hours(1)) {
    return add(who, reg::decision_action({request, approve}), "CASE-2026-0042", session_scope(which), at);
  }
  std::string export_of(const std::string& who, const std::string& reference,
                        std::chrono::hours at = std::chrono::hours(2)) {
    return add(who, "export", reference, session_scope(1), at);
  }

  reg::register_book book() { return reg::read_register(s, store::entry_namespace::access).value(); }
};

std::vector<std::string> codes(const reg::approval_book& a) {
  std::vector<std::string> out;
  for (const auto& f : a.findings) out.push_back(f.code + " " + f.entry);
  return out;
}

reg::approval_book check(scenario& sc, const reg::register_book& book) {
  return reg::check_export_approvals(book, [&](const reg::signed_entry& e) {
    return sc.supervisors.contains(e.body.clerk) && e.body.clerk_key == sc.signer(e.body.clerk).public_key();
  });
}

}  // namespace

TEST_CASE("export approval: actions round-trip; malformed ones are not decisions") {
  CHECK(reg::decision_action({"clerk-1.4", true}) == "approve clerk-1.4");
  CHECK(reg::decision_action({"clerk-1.4", false}) == "refuse clerk-1.4");
  const auto d = reg::parse_decision_action("refuse clerk-1.4");
  REQUIRE(d);
  CHECK(d->request == "clerk-1.4");
  CHECK_FALSE(d->approved);
  for (const char* bad : {"approve", "approve clerk-1", "approve clerk-1.", "approve .4", "approve clerk-1.4x",
                          "approve ../x.1", "approved clerk-1.4", "export"})
    CHECK_FALSE(reg::parse_decision_action(bad));
  CHECK(reg::referenced_request(reg::export_reference("clerk-1.0")) == "clerk-1.0");
  CHECK_FALSE(reg::referenced_request("CASE-2026-0042"));
}

TEST_CASE("export approval: request, another person's supervisor approval, export by the requester: no finding") {
  scenario sc;
  const auto req = sc.request("clerk-1");
  const auto approval = sc.decide("sup-1", req, true);
  sc.export_of("clerk-1", reg::export_reference(req));
  const auto book = sc.book();
  REQUIRE(book.is_intact());
  const auto a = check(sc, book);
  CHECK(codes(a).empty());
  const auto* status = a.find(req);
  REQUIRE(status != nullptr);
  CHECK(status->state == reg::request_state::approved);
  REQUIRE(status->decision != nullptr);
  CHECK(reg::entry_name(status->decision->body) == approval);
  CHECK(status->exports.size() == 1);
  CHECK_FALSE(reg::why_not_export(*status, "clerk-1", t0 + std::chrono::hours(3)));
}

TEST_CASE("export approval: same_person_approves_own_request is refused and the export stays unapproved") {
  scenario sc;
  sc.supervisors.insert("clerk-1");  // even a requester who is also a supervisor
  const auto req = sc.request("clerk-1");
  const auto self = sc.decide("clerk-1", req, true);
  const auto x = sc.export_of("clerk-1", reg::export_reference(req));
  const auto book = sc.book();
  const auto a = check(sc, book);
  CHECK(codes(a) == std::vector<std::string>{"self_approval access/" + self, "export_unapproved access/" + x});
  CHECK(a.find(req)->state == reg::request_state::pending);
  const auto why = reg::why_not_decide(*a.find(req), "clerk-1", sc.signer("clerk-1").public_key());
  REQUIRE(why);
  CHECK(why->find("second person") != std::string::npos);
  CHECK(reg::why_not_decide(*a.find(req), "sup-1", sc.signer("sup-1").public_key()) == std::nullopt);
  // Another id with the requester's key is the same person.
  CHECK(reg::why_not_decide(*a.find(req), "sup-9", sc.signer("clerk-1").public_key()));
}

TEST_CASE("export approval: non_supervisor_approves: the approval does not count") {
  scenario sc;
  const auto req = sc.request("clerk-1");
  const auto by_clerk = sc.decide("clerk-2", req, true);
  const auto x = sc.export_of("clerk-1", reg::export_reference(req));
  const auto book = sc.book();
  const auto a = check(sc, book);
  CHECK(codes(a) ==
        std::vector<std::string>{"approver_not_supervisor access/" + by_clerk, "export_unapproved access/" + x});
  CHECK(a.find(req)->state == reg::request_state::pending);
}

TEST_CASE("export approval: approval_of_another_request does not approve this one") {
  scenario sc;
  const auto approved = sc.request("clerk-1", 1);
  const auto other = sc.request("clerk-1", 2);
  sc.decide("sup-1", approved, true);
  const auto x = sc.export_of("clerk-1", reg::export_reference(other));
  const auto ghost = sc.decide("sup-1", "clerk-1.99", true);
  const auto book = sc.book();
  const auto a = check(sc, book);
  CHECK(codes(a) ==
        std::vector<std::string>{"decision_of_unknown_request access/" + ghost, "export_unapproved access/" + x});
  CHECK(a.find(approved)->state == reg::request_state::approved);
  CHECK(a.find(other)->state == reg::request_state::pending);
}

TEST_CASE("export approval: approval_with_other_scope, approval_before_request, second decision") {
  scenario sc;
  const auto req = sc.request("clerk-1", 1, std::chrono::hours(5));
  const auto wrong_scope = sc.decide("sup-1", req, true, 2, std::chrono::hours(6));
  const auto early = sc.decide("sup-1", req, true, 1, std::chrono::hours(4));
  const auto refusal = sc.decide("sup-2", req, false, 1, std::chrono::hours(7));
  const auto late = sc.decide("sup-1", req, true, 1, std::chrono::hours(8));
  const auto x = sc.export_of("clerk-1", reg::export_reference(req), std::chrono::hours(9));
  const auto book = sc.book();
  const auto a = check(sc, book);
  CHECK(codes(a) == std::vector<std::string>{"decision_before_request access/" + early,
                                             "scope_mismatch access/" + wrong_scope, "already_decided access/" + late,
                                             "export_unapproved access/" + x});
  CHECK(a.find(req)->state == reg::request_state::refused);
  CHECK(reg::entry_name(a.find(req)->decision->body) == refusal);
}

TEST_CASE("export approval: approval_expired after 7 days; export_by_other; export_without_request") {
  scenario sc;
  const auto req = sc.request("clerk-1");
  sc.decide("sup-1", req, true);
  const auto stale = sc.export_of("clerk-1", reg::export_reference(req), std::chrono::hours(1 + 24 * 7 + 1));
  const auto foreign = sc.export_of("clerk-2", reg::export_reference(req));
  const auto legacy = sc.export_of("clerk-2", "CASE-2026-0042");
  const auto book = sc.book();
  const auto a = check(sc, book);
  CHECK(codes(a) == std::vector<std::string>{"export_by_other access/" + foreign, "export_unapproved access/" + legacy,
                                             "approval_expired access/" + stale});
  const auto* status = a.find(req);
  CHECK(reg::why_not_export(*status, "clerk-1", t0 + std::chrono::hours(2)) == std::nullopt);
  CHECK(reg::why_not_export(*status, "clerk-1", t0 + std::chrono::hours(1 + 24 * 7 + 1)));
  CHECK(reg::why_not_export(*status, "clerk-2", t0 + std::chrono::hours(2)));
}

namespace {

// The retention register under expiry_rule() and release_rule(): entries of kind expiry or hold.
struct retention_scenario {
  scenario people;
  std::string add(const std::string& who, reg::entry_kind kind, std::string action, std::string reference,
                  std::vector<reg::object_ref> objects, std::chrono::hours at) {
    reg::register_entry e;
    e.kind = kind;
    e.utc = t0 + at;
    e.department = "records unit";
    e.reference = std::move(reference);
    e.action = std::move(action);
    e.scopes.push_back(session_scope(1));
    e.objects = std::move(objects);
    auto stored = reg::append_entry(people.s, store::entry_namespace::retention, who, std::move(e), people.signer(who));
    REQUIRE(stored);
    return reg::entry_name(stored->body);
  }
  reg::approval_book check(const reg::approval_rule& rule) {
    book_ = reg::read_register(people.s, store::entry_namespace::retention).value();
    REQUIRE(book_.is_intact());
    return reg::check_approvals(
        book_,
        [&](const reg::signed_entry& e) {
          return people.supervisors.contains(e.body.clerk) &&
                 e.body.clerk_key == people.signer(e.body.clerk).public_key();
        },
        rule);
  }
  reg::register_book book_;
};

reg::object_ref object(std::uint8_t which) {
  reg::object_ref o;
  o.sha256.bytes.fill(which);
  o.byte_length = which;
  return o;
}

constexpr auto h = [](int n) { return std::chrono::hours(n); };

}  // namespace

TEST_CASE("expiry approval: requested, approved by another supervisor, expired within the request: no finding") {
  retention_scenario r;
  const auto req = r.add("clerk-1", reg::entry_kind::expiry, std::string(reg::expiry_request_action), "policy",
                         {object(1), object(2)}, h(0));
  r.add("sup-1", reg::entry_kind::expiry, reg::decision_action({req, true}), "policy", {}, h(1));
  const auto event =
      r.add("clerk-1", reg::entry_kind::expiry, "retention 183 days", reg::export_reference(req), {object(2)}, h(2));
  const auto a = r.check(reg::expiry_rule());
  CHECK(codes(a).empty());
  REQUIRE(a.find(req) != nullptr);
  CHECK(a.find(req)->state == reg::request_state::approved);
  CHECK(a.find(req)->exports.size() == 1);
  CHECK(r.check(reg::release_rule()).requests.empty());  // an expiry request is no release request
  CHECK(reg::is_expiry_event(r.book_.clerks.front().entries.back().body));
  CHECK_FALSE(reg::is_expiry_event(r.book_.clerks.front().entries.front().body));
  CHECK(event == "clerk-1.1");
}

TEST_CASE("expiry approval: delete_a_file_the_request_does_not_name, self_approval, expire_without_request") {
  retention_scenario r;
  const auto req =
      r.add("clerk-1", reg::entry_kind::expiry, std::string(reg::expiry_request_action), "policy", {object(1)}, h(0));
  const auto own = r.add("clerk-1", reg::entry_kind::expiry, reg::decision_action({req, true}), "policy", {}, h(1));
  r.add("sup-1", reg::entry_kind::expiry, reg::decision_action({req, true}), "policy", {}, h(2));
  const auto wider = r.add("clerk-1", reg::entry_kind::expiry, "retention 183 days", reg::export_reference(req),
                           {object(1), object(9)}, h(3));
  const auto bare = r.add("clerk-1", reg::entry_kind::expiry, "retention 183 days", "policy", {object(1)}, h(4));
  CHECK(codes(r.check(reg::expiry_rule())) == std::vector<std::string>{"self_approval retention/" + own,
                                                                       "expiry_outside_request retention/" + wider,
                                                                       "expiry_unapproved retention/" + bare});
}

TEST_CASE("release approval: release_another_hold_than_requested, release_by_the_placer_alone") {
  retention_scenario r;
  const auto hold = r.add("clerk-1", reg::entry_kind::hold, "evidence", "C-9", {}, h(0));
  const auto other = r.add("clerk-1", reg::entry_kind::hold, "complaint", "C-10", {}, h(0));
  const auto req = r.add("clerk-1", reg::entry_kind::hold, reg::release_request_action(hold), "closed", {}, h(1));
  CHECK(reg::hold_of_release_request(reg::release_request_action(hold)) == hold);
  r.add("sup-1", reg::entry_kind::hold, reg::decision_action({req, true}), "closed", {}, h(2));
  const auto wrong =
      r.add("clerk-1", reg::entry_kind::hold, reg::release_action(other), reg::export_reference(req), {}, h(3));
  const auto alone = r.add("clerk-1", reg::entry_kind::hold, reg::release_action(hold), "closed", {}, h(4));
  const auto right =
      r.add("clerk-1", reg::entry_kind::hold, reg::release_action(hold), reg::export_reference(req), {}, h(5));
  CHECK(codes(r.check(reg::release_rule())) == std::vector<std::string>{"release_outside_request retention/" + wrong,
                                                                        "release_unapproved retention/" + alone});
  CHECK(right == "clerk-1.5");
  CHECK(codes(r.check(reg::expiry_rule())).empty());  // holds and releases are not judged as expiries
}

}  // namespace export_approval_test
