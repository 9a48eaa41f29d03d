// The console's two-person export and fleet routes over a test store (console_handler.hpp H8, H9): a clerk
// requests an export from the session page, the same person cannot approve it (even holding role supervisor),
// a supervisor approves, only the requester downloads the bundle (tar), each step in the access register; and
// the fleet page with one dock answering and one not. The [e2e] case extracts the archive with tar(1) and has
// `bodycam verify` check it.
#include "console/access/route_policy.hpp"
#include "console/web/fleet_view.hpp"
#include "tests/console/console_fixture.hpp"
#include "tests/support/process.hpp"
#include "tools/registers/export_approval.hpp"
#include "tools/registers/register_book.hpp"

#include <catch2/catch.hpp>

#include <fstream>


using namespace bodycam;
using namespace bodycam::tests;
namespace ac = bodycam::console::access;
namespace registers = bodycam::tools::registers;

namespace {

using bodycam::tests::role_bit;

std::vector<registers::signed_entry> entries_of(const console_fixture& f, const std::string& person) {
  const auto book = registers::read_register(f.store, common::store::entry_namespace::access).value();
  for (const auto& c : book.clerks)
    if (c.clerk == person) return c.entries;
  return {};
}

// The clerk's request through the session page's form; returns its name.
std::string request_through_form(console_fixture& f, const std::string& cookie) {
  const auto session_page = f.get(f.session_path(), cookie);
  REQUIRE(session_page.status == 200);
  REQUIRE(session_page.body.find("action=\"/exports/request\"") != std::string::npos);
  const auto posted = f.request("POST", "/exports/request", cookie,
                                "device=cam-0001&session=" + f.camera.session().to_hex() +
                                    "&reference=CASE-2026-0042&csrf=" + f.csrf_of(cookie));
  REQUIRE(posted.status == 303);
  CHECK(posted.header("Location") == "/exports");
  const auto mine = entries_of(f, "clerk-1");
  REQUIRE_FALSE(mine.empty());
  CHECK(mine.back().body.action == registers::export_request_action);
  CHECK(mine.back().body.reference == "CASE-2026-0042");
  REQUIRE(mine.back().body.scopes.size() == 1);
  CHECK(mine.back().body.scopes[0].session == f.camera.session());
  return registers::entry_name(mine.back().body);
}

// Runs the whole flow up to the download; returns the tar archive's bytes.
std::string approve_and_download(console_fixture& f) {
  f.add_person("clerk-1", role_bit(ac::role::clerk) | role_bit(ac::role::supervisor));  // may approve others, not self
  f.add_person("clerk-2", role_bit(ac::role::clerk));
  f.add_person("sup-1", role_bit(ac::role::supervisor));
  const std::string clerk = f.login("clerk-1");
  const std::string request = request_through_form(f, clerk);
  const std::size_t after_request = f.access_entries();
  CHECK(after_request == 2);  // the session page's view, the request

  // The same person cannot approve their own request, whatever their roles; nothing is written.
  const auto self = f.request("POST", "/approvals/" + request, clerk, "decision=approve&csrf=" + f.csrf_of(clerk));
  CHECK(self.status == 403);
  CHECK(self.body.find("your own request") != std::string::npos);
  CHECK(f.access_entries() == after_request);
  // Not approved yet: no bundle, no entry.
  CHECK(f.get("/exports/" + request + "/bundle.tar", clerk).status == 409);
  CHECK(f.access_entries() == after_request);

  const std::string sup = f.login("sup-1");
  const auto pending = f.get("/approvals", sup);
  REQUIRE(pending.status == 200);
  CHECK(pending.body.find("access/" + request) != std::string::npos);
  CHECK(pending.body.find("action=\"/approvals/" + request + "\"") != std::string::npos);
  const auto approve = f.request("POST", "/approvals/" + request, sup, "decision=approve&csrf=" + f.csrf_of(sup));
  CHECK(approve.status == 303);
  const auto sup_entries = entries_of(f, "sup-1");
  REQUIRE(sup_entries.size() == 1);
  CHECK(sup_entries[0].body.action == "approve " + request);
  // A second decision is refused.
  CHECK(f.request("POST", "/approvals/" + request, sup, "decision=refuse&csrf=" + f.csrf_of(sup)).status == 409);
  CHECK(entries_of(f, "sup-1").size() == 1);

  // Another clerk may not download it; the requester may, and the download is registered first.
  CHECK(f.get("/exports/" + request + "/bundle.tar", f.login("clerk-2")).status == 403);
  CHECK(f.request("HEAD", "/exports/" + request + "/bundle.tar", clerk).status == 405);
  const std::size_t before = f.access_entries();
  const auto list = f.get("/exports", clerk);
  CHECK(list.body.find("/exports/" + request + "/bundle.tar") != std::string::npos);
  const auto download = f.get("/exports/" + request + "/bundle.tar", clerk);
  REQUIRE(download.status == 200);
  CHECK(download.content_type == "application/x-tar");
  CHECK(download.header("Content-Disposition").find("bundle-" + request + ".tar") != std::string::npos);
  CHECK(f.access_entries() == before + 2);  // the export's access entry and its outcome
  const auto mine = entries_of(f, "clerk-1");
  REQUIRE(mine.size() >= 2);
  const auto& exported = mine[mine.size() - 2].body;
  CHECK(exported.action == "export");
  CHECK(exported.reference == registers::export_reference(request));
  CHECK_FALSE(exported.objects.empty());
  CHECK(mine.back().body.action.starts_with("completed "));
  CHECK(download.body.size() % 512 == 0);
  CHECK(download.body.size() > 2048);
  return download.body;
}

}  // namespace

TEST_CASE("export: clerk requests, cannot approve their own request, a supervisor approves, the clerk downloads") {
  console_fixture f;
  const std::string tar = approve_and_download(f);
  CHECK(tar.substr(257, 5) == "ustar");
  CHECK(tar.find("SHA256SUMS") != std::string::npos);
  CHECK(tar.find("manifest.json") != std::string::npos);
}

TEST_CASE("export: a refused request is never downloadable; an officer sees no request form") {
  console_fixture f;
  f.add_person("clerk-1", role_bit(ac::role::clerk));
  f.add_person("sup-1", role_bit(ac::role::supervisor));
  f.add_person(std::string(shift_officer), role_bit(ac::role::officer));
  const std::string clerk = f.login("clerk-1");
  const std::string request = request_through_form(f, clerk);
  const std::string sup = f.login("sup-1");
  CHECK(f.request("POST", "/approvals/" + request, sup, "decision=refuse&csrf=" + f.csrf_of(sup)).status == 303);
  CHECK(f.get("/exports/" + request + "/bundle.tar", clerk).status == 409);
  CHECK(f.request("POST", "/approvals/" + request, sup, "decision=maybe&csrf=" + f.csrf_of(sup)).status == 400);
  CHECK(f.request("POST", "/approvals/clerk-1.99", sup, "decision=approve&csrf=" + f.csrf_of(sup)).status == 404);
  CHECK(f.request("POST", "/approvals/..%2fkeys", sup, "decision=approve&csrf=" + f.csrf_of(sup)).status == 404);
  CHECK(f.request("POST", "/approvals/" + request, sup, "decision=approve").status == 403);  // no CSRF token
  const auto officer_page = f.get(f.session_path(), f.login(std::string(shift_officer)));
  REQUIRE(officer_page.status == 200);
  CHECK(officer_page.body.find("/exports/request") == std::string::npos);
}

TEST_CASE("fleet: every enrolled camera with its dock's backlog; a dock that does not answer is unreachable") {
  console_fixture f;
  f.add_person("sup-1", role_bit(ac::role::supervisor));
  const std::string answering = "http://127.0.0.1:9/status.json";
  const std::string silent = "http://127.0.0.1:10/status.json";
  std::vector<std::string> asked;
  f.handler = std::make_unique<console::web::console_handler>(console::web::console_context{
      &f.store, f.agency.root().public_key(), &f.cookie_key, f.dir / "accounts", &*f.lockout, nullptr,
      std::chrono::hours(8), [&f] { return f.now; }, f.dir / "exports", {answering, silent},
      [&](const std::string& url) -> common::core::expected<std::string> {
        asked.push_back(url);
        if (url == silent) return common::core::fail(common::core::errc::timeout, "no answer within 3000 ms");
        return std::string(R"({"format":"bodycam-dock-status-v1","dock_id":"dock-7","alarm":"overdue",)"
                           R"("totals":{"pending_records":3,"pending_bytes":4096},"slots":[{"slot":0,)"
                           R"("device":"cam-0001","pending_records":3,"pending_bytes":4096,)"
                           R"("time_to_deadline_seconds":-60,"alarm":"overdue"}]})");
      },
      nullptr, {}});
  const auto page = f.get("/fleet", f.login("sup-1"));
  REQUIRE(page.status == 200);
  CHECK(asked == std::vector<std::string>{answering, silent});
  CHECK(page.body.find("cam-0001") != std::string::npos);
  CHECK(page.body.find("officer-7") != std::string::npos);
  CHECK(page.body.find("3 records, 4.0 KiB (dock-7)") != std::string::npos);
  CHECK(page.body.find("24 h 01 min 00 s") != std::string::npos);  // oldest not yet stored: 24 h + 60 s
  CHECK(page.body.find("OVERDUE") != std::string::npos);
  CHECK(page.body.find("unreachable: no answer within 3000 ms") != std::string::npos);
  CHECK(f.access_entries() == 0);  // the fleet shows no footage
}

TEST_CASE("fleet: read_dock_status refuses what is not a dock's status", "[fleet]") {
  using console::web::read_dock_status;
  CHECK_FALSE(read_dock_status("u", std::string("<html>")).row.reachable);
  CHECK_FALSE(read_dock_status("u", std::string(R"({"format":"other"})")).row.reachable);
  CHECK_FALSE(read_dock_status("u", std::string(R"({"format":"bodycam-dock-status-v1","slots":[{"device":"c","pending_records":"x"}]})")).row.reachable);
  const auto ok = read_dock_status("u", std::string(R"({"format":"bodycam-dock-status-v1","dock_id":"d"})"));
  CHECK(ok.row.reachable);
  CHECK(ok.row.dock_id == "d");
}

TEST_CASE("export e2e: the downloaded archive extracts with tar and bodycam verify accepts the bundle", "[e2e]") {
  console_fixture f;
  const std::string tar = approve_and_download(f);
  const auto archive = f.dir / "download.tar";
  {
    std::ofstream out(archive, std::ios::binary);
    out.write(tar.data(), static_cast<std::streamsize>(tar.size()));
    REQUIRE(out.good());
  }
  const auto into = f.dir / "extracted";
  std::filesystem::create_directories(into);
  // Argument vectors, never a shell line: the build and temporary paths may hold spaces or quotes.
  const auto untar = bodycam::tests::run_process({"/bin/tar", "-xf", archive.string(), "-C", into.string()});
  INFO(untar.err);
  REQUIRE(untar.exit_code == 0);
  std::filesystem::path bundle;
  for (const auto& e : std::filesystem::directory_iterator(into)) bundle = e.path();
  REQUIRE(bundle.filename().string().starts_with("bundle-clerk-1."));
  const auto verify = bodycam::tests::run_bodycam({"verify", bundle.string()});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
}
