// Search and notes in the console: the search page over the catalogue by each field (officer, camera, unit, time,
// category, case, place, party, note text), officers seeing only their own sessions (worn or joined), notes
// added on the session page written to the metadata register and found by search after the refresh, every
// field's history old → new, hostile note text rendered inert, CSRF and bad input refused naming the field;
// and the pure parts (note and search forms, when the catalogue refreshes, the [catalogue] and [notes] config).
#include "console/access/route_policy.hpp"
#include "console/web/catalogue_cache.hpp"
#include "console/web/console_config.hpp"
#include "console/web/note_form.hpp"
#include "tests/console/console_fixture.hpp"
#include "tools/catalogue/note_authority.hpp"
#include "tools/enrollment/enrollment_store.hpp"
#include "tools/registers/metadata_book.hpp"

#include <nlohmann/json.hpp>

#include <regex>

#include <catch2/catch.hpp>

using namespace bodycam;
using namespace bodycam::tests;
namespace ac = bodycam::console::access;
namespace web = bodycam::console::web;
namespace en = bodycam::tools::enrollment;
namespace registers = bodycam::tools::registers;

namespace {

using bodycam::tests::role_bit;

// Two sessions: cam-0001 (unit "test unit", the fixture's shift, worn by officer-7 on 2026-01-10) and cam-0002
// (unit "unit-b", worn by officer-8 on 2026-03-01, joined by officer-7), each noted by clerk-1 through the
// console with values the other does not share.
struct two_sessions {
  console_fixture f;
  evidence_camera second{f.store, "cam-0002", 12};
  std::string clerk_cookie;

  two_sessions() {
    second.at(common::record::utc_time(std::chrono::sys_days(std::chrono::year(2026) / 3 / 1)) + std::chrono::hours(9));
    second.wearer("officer-8").boot().precheck().start().after(std::chrono::seconds(20));
    second.officer("officer-7", common::record::officer_change::join);
    second.after(std::chrono::minutes(1)).segment("cam-0002 segment 1");
    second.after(std::chrono::seconds(5)).stop().receipt(second.now() + std::chrono::minutes(10));
    f.agency.enroll(en::subject_kind::camera, f.store.get_public_key(second.device()).value(), 0, "unit-b");
    f.add_person("clerk-1", role_bit(ac::role::clerk));
    clerk_cookie = f.login("clerk-1");
    note(clerk_cookie, first_path(),
         "place=Rue+de+la+Gare+4&party=Jean+Dupont&case=CASE-2026-0042&category=traffic&text=stopped+at+the+crossing");
    note(clerk_cookie, second_path(),
         "place=Avenue+Foch+12&party=Marie+Curie&case=CASE-2026-0099&category=complaint&text=loud+music+at+night");
  }

  std::string first_path() const { return f.session_path(); }
  std::string second_path() const { return "/sessions/cam-0002/" + second.session().to_hex(); }
  std::string first_link() const { return "href=\"" + first_path() + "\""; }
  std::string second_link() const { return "href=\"" + second_path() + "\""; }

  web::web_response post_note(const std::string& cookie, const std::string& session_path, const std::string& body) {
    return f.request("POST", session_path + "/notes", cookie, body + "&csrf=" + f.csrf_of(cookie));
  }
  void note(const std::string& cookie, const std::string& session_path, const std::string& body) {
    const auto r = post_note(cookie, session_path, body);
    INFO(r.body.substr(0, 400));
    REQUIRE(r.status == 303);
    CHECK(r.header("Location") == session_path);
  }
  // Which of the two sessions a search page lists: "12", "1", "2" or "".
  std::string found(const web::web_response& r) const {
    INFO(r.body.substr(0, 600));
    REQUIRE(r.status == 200);
    return std::string(r.body.find(first_link()) != std::string::npos ? "1" : "") +
           (r.body.find(second_link()) != std::string::npos ? "2" : "");
  }
};

}  // namespace

TEST_CASE("search: each field finds the right session and not the other") {
  two_sessions t;
  const auto search = [&](const std::string& query) { return t.found(t.f.get("/search?" + query, t.clerk_cookie)); };
  CHECK(search("") == "12");
  CHECK(search("officer=officer-7") == "12");  // wore cam-0001's session, joined cam-0002's
  CHECK(search("officer=officer-8") == "2");
  CHECK(search("officer=officer-9").empty());
  CHECK(search("device=cam-0001") == "1");
  CHECK(search("device=cam-0002") == "2");
  CHECK(search("unit=test+unit") == "1");
  CHECK(search("unit=unit-b") == "2");
  CHECK(search("from=2026-02-01") == "2");
  CHECK(search("to=2026-02-01") == "1");
  CHECK(search("from=2026-01-10T07:00&to=2026-01-10T09:00") == "1");
  CHECK(search("category=traffic") == "1");
  CHECK(search("category=complaint") == "2");
  CHECK(search("case=CASE-2026-0042") == "1");
  CHECK(search("case=CASE-2026-0099") == "2");
  CHECK(search("place=Foch") == "2");
  CHECK(search("place=Gare") == "1");
  CHECK(search("party=Dupont") == "1");
  CHECK(search("party=Curie") == "2");
  CHECK(search("text=crossing") == "1");
  CHECK(search("text=music") == "2");
  CHECK(search("text=Dupont") == "1");    // free text covers every noted field
  CHECK(search("place=Dupont").empty());  // a party is not a place
  CHECK(search("device=cam-0001&category=complaint").empty());
  CHECK(search("text=music+OR+crossing").empty());  // operators are words (catalogue Q2)
  // Searching shows no footage and writes no access entry; opening a result does.
  CHECK(t.f.access_entries() == 0);
  CHECK(t.f.get(t.first_path(), t.clerk_cookie).status == 200);
  CHECK(t.f.access_entries() == 1);
}

TEST_CASE("search: an officer sees only the sessions they wore or joined, whatever they type") {
  two_sessions t;
  t.f.add_person("officer-8", role_bit(ac::role::officer), {}, test_password, "unit-b");
  t.f.add_person(std::string(shift_officer), role_bit(ac::role::officer));
  t.f.add_person("officer-9", role_bit(ac::role::officer));
  const std::string eight = t.f.login("officer-8");
  const std::string seven = t.f.login(std::string(shift_officer));
  const std::string nine = t.f.login("officer-9");
  const auto search = [&](const std::string& cookie, const std::string& query) {
    return t.found(t.f.get("/search?" + query, cookie));
  };
  CHECK(search(eight, "") == "2");
  // officer-7 joined the session officer-8 wore: that one is found; officer-7's own cam-0001 session never is.
  CHECK(search(eight, "officer=officer-7") == "2");
  CHECK(search(eight, "device=cam-0001").empty());
  CHECK(search(eight, "text=crossing").empty());
  CHECK(search(eight, "case=CASE-2026-0042").empty());
  CHECK(search(seven, "") == "12");  // wore cam-0001's session, joined cam-0002's
  CHECK(search(seven, "officer=officer-8") == "2");
  CHECK(search(nine, "").empty());
  const auto page = t.f.get("/search", eight);
  CHECK(page.body.find("your own sessions only") != std::string::npos);
  CHECK(page.body.find("1 session(s)") != std::string::npos);
  // Auditors and admins do not search (no footage).
  t.f.add_person("auditor-1", role_bit(ac::role::auditor));
  CHECK(t.f.get("/search", t.f.login("auditor-1")).status == 403);
}

TEST_CASE("joined officer: the session they joined is in /api/v1/sessions and search, for them and for a clerk") {
  two_sessions t;
  auto& f = t.f;
  f.add_person(std::string(shift_officer), role_bit(ac::role::officer));
  const std::string seven = f.login(std::string(shift_officer));
  const auto listed = [&](const std::string& cookie, const std::string& query) {
    const auto r = f.get("/api/v1/sessions" + query, cookie);
    INFO(r.body.substr(0, 600));
    REQUIRE(r.status == 200);
    return nlohmann::json::parse(r.body);
  };
  const std::string joined_hex = t.second.session().to_hex();
  for (const auto& [cookie, query] : std::vector<std::pair<std::string, std::string>>{
           {seven, ""}, {seven, "?officer=officer-7"}, {t.clerk_cookie, "?officer=officer-7"}}) {
    INFO(query);
    const auto answer = listed(cookie, query);
    REQUIRE(answer["total"] == 2);
    const nlohmann::json* joined = nullptr;
    for (const auto& row : answer["sessions"])
      if (row["session"] == joined_hex) joined = &row;
    REQUIRE(joined != nullptr);
    CHECK((*joined)["officer"] == "officer-8");
    CHECK((*joined)["joined_officers"] == nlohmann::json::array({"officer-7"}));
  }
  // The wearer's own session names no one who joined; officer-8's search does not find officer-7's own session.
  const auto clerk_all = listed(t.clerk_cookie, "?device=cam-0001");
  REQUIRE(clerk_all["sessions"].size() == 1);
  CHECK(clerk_all["sessions"][0]["joined_officers"].empty());
  CHECK(listed(t.clerk_cookie, "?officer=officer-8")["total"] == 1);
  // The search page, for the officer and for a clerk.
  CHECK(t.found(f.get("/search?officer=officer-7", seven)) == "12");
  CHECK(t.found(f.get("/search?officer=officer-7", t.clerk_cookie)) == "12");
  // The API restricts an officer by the same rule as the search page (search_query Q4): officer-8 asking for
  // officer-7 finds the session both were officers of, never officer-7's own cam-0001 session.
  f.add_person("officer-8", role_bit(ac::role::officer), {}, test_password, "unit-b");
  const std::string eight = f.login("officer-8");
  const auto eights = listed(eight, "?officer=officer-7");
  CHECK(eights["total"] == 1);
  REQUIRE(eights["sessions"].size() == 1);
  CHECK(eights["sessions"][0]["session"] == joined_hex);
  CHECK(t.found(f.get("/search?officer=officer-7", eight)) == "2");
  CHECK(listed(eight, "?device=cam-0001")["total"] == 0);
  CHECK(listed(eight, "")["total"] == 1);
}

TEST_CASE("notes: a note added on the session page is a signed register entry that counts and shows in search") {
  two_sessions t;
  auto& f = t.f;
  REQUIRE(f.note_entries() == 2);  // the two of the setup
  f.add_person(std::string(shift_officer), role_bit(ac::role::officer));
  const std::string seven = f.login(std::string(shift_officer));
  t.note(seven, t.first_path(), "text=suspect+ran+towards+the+bridge");
  REQUIRE(f.note_entries() == 3);

  auto book = registers::read_metadata_register(f.store).value();
  REQUIRE(book.is_intact());
  const registers::signed_metadata_entry* mine = nullptr;
  for (const auto& chain : book.authors)
    if (chain.author == shift_officer) {
      REQUIRE(chain.entries.size() == 1);
      mine = &chain.entries.front();
    }
  REQUIRE(mine != nullptr);
  CHECK(registers::verify_metadata_signature(*mine, f.signer_of(std::string(shift_officer)).public_key()));
  CHECK(mine->body.device.str() == "cam-0001");
  CHECK(mine->body.session == f.camera.session());
  CHECK(mine->body.utc == f.now);
  REQUIRE(mine->body.fields.size() == 1);
  CHECK(mine->body.fields.front().value == "suspect ran towards the bridge");
  // The register's authorisation check under the trusted root (the one the catalogue and the page apply).
  auto reg = en::load_register(f.store, f.agency.root().public_key()).value();
  const auto roster_of = [&](const common::record::device_id& d, const common::record::session_id& id)
      -> std::optional<std::vector<std::string>> {
    if (d == f.camera.device() && id == f.camera.session()) return std::vector<std::string>{std::string(shift_officer)};
    if (d == t.second.device() && id == t.second.session())
      return std::vector<std::string>{"officer-8", std::string(shift_officer)};
    return std::nullopt;
  };
  CHECK(tools::catalogue::flag_unauthorized_notes(book, reg.table, roster_of) == 0);
  CHECK(book.findings.empty());
  // The console's own refresh: no finding, and the note is searchable at once (catalogue_cache R3).
  CHECK(t.found(f.get("/search?text=bridge", t.clerk_cookie)) == "1");
  auto refreshed = f.catalogue->refresh(f.store, f.now);
  REQUIRE(refreshed);
  CHECK(refreshed->register_findings.empty());
  // The footage is untouched: the camera's records are as the camera signed them.
  for (const auto& r : f.camera.records()) CHECK(f.store.get_record(r.body.device, r.body.seq).value() == r.bytes);
}

TEST_CASE("notes: written elsewhere (bodycam note) show in search after the refresh interval") {
  two_sessions t;
  auto& f = t.f;
  CHECK(t.found(f.get("/search?text=lighthouse", t.clerk_cookie)).empty());
  registers::metadata_entry draft;
  draft.utc = f.now;
  draft.device = f.camera.device();
  draft.session = f.camera.session();
  draft.fields.push_back({registers::note_field::text, "seen near the lighthouse"});
  REQUIRE(
      registers::append_note(f.store, "clerk-1", draft, f.signer_of("clerk-1"), registers::default_note_categories()));
  f.now += std::chrono::seconds(30);
  CHECK(t.found(f.get("/search?text=lighthouse", t.clerk_cookie)).empty());  // R2: not due yet
  f.now += std::chrono::seconds(31);
  CHECK(t.found(f.get("/search?text=lighthouse", t.clerk_cookie)) == "1");
}

TEST_CASE("notes: the history of every field shows who, when, old and new") {
  two_sessions t;
  auto& f = t.f;
  f.add_person("clerk-2", role_bit(ac::role::clerk));
  const std::string other = f.login("clerk-2");
  f.now += std::chrono::minutes(5);
  t.note(other, t.first_path(), "category=obstruction&case=CASE-2026-0100");
  const auto page = f.get(t.first_path(), t.clerk_cookie);
  REQUIRE(page.status == 200);
  // Current values: the later note's.
  CHECK(page.body.find("<dt>category</dt><dd>obstruction</dd>") != std::string::npos);
  CHECK(page.body.find("<dt>case</dt><dd>CASE-2026-0100</dd>") != std::string::npos);
  CHECK(page.body.find("<dt>place</dt><dd>Rue de la Gare 4</dd>") != std::string::npos);
  // History rows: when, who, field, old, new, entry.
  CHECK(page.body.find("<td>2026-12-01 10:00:00 UTC</td><td>clerk-1</td><td>category</td><td>—</td><td>traffic</td>"
                       "<td>notes/clerk-1.0</td>") != std::string::npos);
  CHECK(page.body.find("<td>2026-12-01 10:05:00 UTC</td><td>clerk-2</td><td>category</td><td>traffic</td>"
                       "<td>obstruction</td><td>notes/clerk-2.0</td>") != std::string::npos);
  CHECK(page.body.find("<td>clerk-2</td><td>case</td><td>CASE-2026-0042</td><td>CASE-2026-0100</td>") !=
        std::string::npos);
  // The search follows the current value, and the old one no longer finds it.
  CHECK(t.found(f.get("/search?category=obstruction", t.clerk_cookie)) == "1");
  CHECK(t.found(f.get("/search?category=traffic", t.clerk_cookie)).empty());
  // Both original notes are still in the register, unchanged.
  CHECK(f.note_entries() == 3);
}

TEST_CASE("notes: officers note the sessions they wore or joined (A4, one rule with the pages); others are refused") {
  two_sessions t;
  auto& f = t.f;
  f.add_person(std::string(shift_officer), role_bit(ac::role::officer));
  f.add_person("officer-8", role_bit(ac::role::officer), {}, test_password, "unit-b");
  f.add_person("officer-9", role_bit(ac::role::officer), {}, test_password, "unit-b");
  f.add_person("super-1", role_bit(ac::role::supervisor));
  const std::string seven = f.login(std::string(shift_officer));
  const std::string eight = f.login("officer-8");
  const std::string nine = f.login("officer-9");
  REQUIRE(f.note_entries() == 2);
  // officer-8 on officer-7's session: not their own.
  CHECK(t.post_note(eight, t.first_path(), "text=x").status == 403);
  // officer-9 is of cam-0002's unit but neither wore the camera nor joined: not their own either.
  CHECK(t.post_note(nine, t.second_path(), "text=x").status == 403);
  // A supervisor may not note (the route table gives notes to officers and clerks).
  CHECK(t.post_note(f.login("super-1"), t.first_path(), "text=x").status == 403);
  CHECK(f.note_entries() == 2);
  t.note(eight, t.second_path(), "place=Quai+Nord");
  // officer-7 joined cam-0002's session, a camera of another unit: their own, so they may note it.
  t.note(seven, t.second_path(), "text=joined+at+the+pier");
  CHECK(f.note_entries() == 4);
  // The page offers the form only to those who may note.
  CHECK(f.get(t.second_path(), eight).body.find("action=\"" + t.second_path() + "/notes\"") != std::string::npos);
  CHECK(f.get(t.second_path(), seven).body.find("action=\"" + t.second_path() + "/notes\"") != std::string::npos);
  CHECK(f.get(t.first_path(), seven).body.find("action=\"" + t.first_path() + "/notes\"") != std::string::npos);
  CHECK(f.get(t.first_path(), f.login("super-1")).body.find("/notes\"") == std::string::npos);
  // Both count: the catalogue flags nothing and the joined officer's note is found.
  auto refreshed = f.catalogue->refresh(f.store, f.now);
  REQUIRE(refreshed);
  CHECK(refreshed->register_findings.empty());
  CHECK(t.found(f.get("/search?text=pier", t.clerk_cookie)) == "2");
  // A note officer-9 signs outside the console on that session (their unit's camera, not their session) does not
  // count: named by the catalogue's refresh, left out of search, and shown as flagged on the page.
  registers::metadata_entry draft;
  draft.utc = f.now;
  draft.device = t.second.device();
  draft.session = t.second.session();
  draft.fields.push_back({registers::note_field::text, "written by an outsider"});
  REQUIRE(registers::append_note(f.store, "officer-9", draft, f.signer_of("officer-9"),
                                 registers::default_note_categories()));
  refreshed = f.catalogue->refresh(f.store, f.now);
  REQUIRE(refreshed);
  REQUIRE(refreshed->register_findings.size() == 1);
  CHECK(refreshed->register_findings[0] == "unauthorized_author notes/officer-9.0");
  CHECK(t.found(f.get("/search?text=outsider", t.clerk_cookie)).empty());
}

TEST_CASE("notes: a POST without the session's CSRF token is refused and writes nothing") {
  two_sessions t;
  auto& f = t.f;
  f.add_person("clerk-2", role_bit(ac::role::clerk));
  const std::string other = f.login("clerk-2");
  const std::string target = t.first_path() + "/notes";
  CHECK(f.request("POST", target, t.clerk_cookie, "place=Nowhere").status == 403);
  CHECK(f.request("POST", target, t.clerk_cookie, "place=Nowhere&csrf=" + std::string(64, '0')).status == 403);
  CHECK(f.request("POST", target, t.clerk_cookie, "place=Nowhere&csrf=" + f.csrf_of(other)).status == 403);
  CHECK(f.request("POST", target, "", "place=Nowhere").status == 401);
  CHECK(f.note_entries() == 2);
  // The form on the page carries the token.
  const auto page = f.get(t.first_path(), t.clerk_cookie);
  CHECK(page.body.find("name=\"csrf\" value=\"" + f.csrf_of(t.clerk_cookie) + "\"") != std::string::npos);
}

TEST_CASE("notes: bad input is refused with a 400 naming the field, nothing written") {
  two_sessions t;
  auto& f = t.f;
  const auto refused = [&](const std::string& body, const std::string& field) {
    const auto r = t.post_note(t.clerk_cookie, t.first_path(), body);
    INFO(body << " → " << r.body.substr(0, 400));
    CHECK(r.status == 400);
    CHECK(r.body.find("Field &#39;" + field + "&#39;") != std::string::npos);
  };
  refused("place=" + std::string(257, 'a'), "place");
  refused("party=a%01b", "party");
  refused("case=" + std::string(65, '7'), "case");
  refused("case=CASE%0A42", "case");
  refused("category=burglary", "category");
  refused("category=Traffic", "category");
  refused("text=" + std::string(4001, 'x'), "text");
  refused("text=bell%07", "text");
  refused("place=%C3%28", "place");  // not UTF-8
  refused("", "note");
  refused("place=&text=", "note");
  CHECK(f.note_entries() == 2);
  // A line break in the text is kept (as LF); the same in a place is refused above.
  t.note(t.clerk_cookie, t.first_path(), "text=first+line%0D%0Asecond+line");
  auto book = registers::read_metadata_register(f.store).value();
  const auto notes = registers::notes_of_session(book, f.camera.device(), f.camera.session());
  CHECK(notes.current.at(registers::note_field::text) == "first line\nsecond line");
  // Unknown session, malformed path: 404 and nothing written.
  CHECK(f.request("POST", "/sessions/cam-0001/" + std::string(32, 'a') + "/notes", t.clerk_cookie,
                  "place=x&csrf=" + f.csrf_of(t.clerk_cookie))
            .status == 404);
  CHECK(f.request("POST", "/sessions/cam-0001/../notes", t.clerk_cookie, "place=x&csrf=" + f.csrf_of(t.clerk_cookie))
            .status == 404);
  CHECK(f.note_entries() == 3);
  // Search input is checked too.
  const auto bad_time = f.get("/search?from=yesterday", t.clerk_cookie);
  CHECK(bad_time.status == 400);
  CHECK(bad_time.body.find("Field &#39;from&#39;") != std::string::npos);
  CHECK(f.get("/search?officer=a%01", t.clerk_cookie).status == 400);
  CHECK(f.get("/search?page=0", t.clerk_cookie).status == 400);
}

TEST_CASE("notes: xss_in_note_fields is rendered inert on the session page and in search") {
  two_sessions t;
  auto& f = t.f;
  t.note(t.clerk_cookie, t.first_path(),
         "place=%3Cscript%3Ealert(1)%3C%2Fscript%3E&party=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(2)%3E"
         "&text=%3Csvg+onload%3Dalert(3)%3E");
  const auto page = f.get(t.first_path(), t.clerk_cookie);
  REQUIRE(page.status == 200);
  const auto results = f.get("/search?text=alert", t.clerk_cookie);
  REQUIRE(results.status == 200);
  CHECK(t.found(results) == "1");
  for (const auto* body : {&page.body, &results.body}) {
    CHECK(body->find("<script>alert") == std::string::npos);
    CHECK(body->find("<img") == std::string::npos);
    CHECK(body->find("<svg") == std::string::npos);
    CHECK(body->find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(std::regex_search(*body, std::regex("&quot;&gt;&lt;img src=x onerror=alert\\(2\\)&gt;")));
  }
}

TEST_CASE("note form: fields in the register's order, line breaks, every refusal names its field") {
  const auto categories = registers::default_note_categories();
  const auto ok =
      web::read_note_form({{"text", "a\r\nb\rc"}, {"place", "Gare"}, {"category", "traffic"}, {"x", "y"}}, categories);
  REQUIRE(ok);
  REQUIRE(ok->size() == 3);
  CHECK((*ok)[0] == registers::field_value{registers::note_field::place, "Gare"});
  CHECK((*ok)[1] == registers::field_value{registers::note_field::category, "traffic"});
  CHECK((*ok)[2] == registers::field_value{registers::note_field::text, "a\nb\nc"});
  CHECK(web::read_note_form({{"category", "traffic"}}, {"evidence"}).error().field == "category");
  CHECK(web::read_note_form({{"party", "a\tb"}}, categories).error().field == "party");
  CHECK(web::read_note_form({}, categories).error().field == "note");
}

TEST_CASE("search form: values bounded, times parsed, pages numbered") {
  const auto ok = web::read_search_form({{"officer", "officer-7"}, {"from", "2026-01-10"}, {"page", "3"}});
  REQUIRE(ok);
  CHECK(ok->query.officer == "officer-7");
  REQUIRE(ok->query.from);
  CHECK(ok->query.offset == 2 * web::search_page_size);
  CHECK(ok->query.limit == web::search_page_size);
  CHECK(web::read_search_form({{"place", std::string(257, 'a')}}).error().field == "place");
  CHECK(web::read_search_form({{"to", "2026-02-30"}}).error().field == "to");
  CHECK(web::read_search_form({{"page", "1e3"}}).error().field == "page");
  CHECK(web::read_search_form({{"text", "a\x7f"}}).error().field == "text");
}

TEST_CASE("catalogue refresh: at first use, after the interval, after a note; a clock set back refreshes") {
  using namespace std::chrono_literals;
  const common::record::utc_time t0{std::chrono::sys_days(std::chrono::year(2026) / 12 / 1)};
  CHECK(web::is_refresh_due(std::nullopt, t0, 60s, false));
  CHECK_FALSE(web::is_refresh_due(t0, t0 + 59s, 60s, false));
  CHECK(web::is_refresh_due(t0, t0 + 60s, 60s, false));
  CHECK(web::is_refresh_due(t0, t0 + 1s, 60s, true));
  CHECK(web::is_refresh_due(t0, t0, 0s, false));
  CHECK(web::is_refresh_due(t0, t0 - 1s, 60s, false));
}

TEST_CASE("console config: [catalogue] and [notes]") {
  const std::string base =
      "[console]\nlisten = [\"127.0.0.1:8443\"]\nroot_public_key = \"r.pub\"\n"
      "accounts_dir = \"a\"\ncookie_key_file = \"c.key\"\nstate_dir = \"s\"\n"
      "[store]\nkind = \"directory\"\npath = \"/srv/store\"\n";
  const auto plain = web::parse_console_config(base, "/etc/bodycam", "console.toml");
  REQUIRE(plain);
  CHECK(plain->catalogue_file == "/etc/bodycam/s/catalogue.db");
  CHECK(plain->catalogue_refresh == std::chrono::seconds(60));
  CHECK(plain->note_categories == registers::default_note_categories());
  const auto set = web::parse_console_config(
      base + "[catalogue]\nfile = \"cat.db\"\nrefresh_seconds = 0\n[notes]\ncategories = [\"evidence\", \"other\"]\n",
      "/etc/bodycam", "console.toml");
  REQUIRE(set);
  CHECK(set->catalogue_file == "/etc/bodycam/cat.db");
  CHECK(set->catalogue_refresh == std::chrono::seconds(0));
  CHECK(set->note_categories == std::vector<std::string>{"evidence", "other"});
  for (const std::string bad :
       {"[catalogue]\nrefresh_seconds = -1\n", "[catalogue]\nrefresh_seconds = 86401\n", "[catalogue]\nfiles = \"x\"\n",
        "[notes]\ncategories = []\n", "[notes]\ncategories = [\"Mass Incident\"]\n", "[notes]\nlist = [\"a\"]\n"}) {
    INFO(bad);
    const auto r = web::parse_console_config(base + bad, "/etc/bodycam", "console.toml");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == common::core::errc::invalid_argument);
  }
}
