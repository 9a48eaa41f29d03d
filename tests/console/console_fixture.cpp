// The console test fixture (console_fixture.hpp).
#include "tests/console/console_fixture.hpp"

#include "tools/retention/retention_actions.hpp"

#include "common/core/durable_file.hpp"
#include "common/store/directory_backend.hpp"
#include "console/access/account.hpp"
#include "tools/enrollment/enrollment_store.hpp"
#include "tools/registers/export_approval.hpp"
#include "tools/registers/metadata_book.hpp"
#include "tools/registers/register_book.hpp"

#include <sodium.h>

#include <catch2/catch.hpp>

namespace bodycam::tests {

namespace web = console::web;
namespace en = tools::enrollment;

namespace {

console::access::cookie_key random_cookie_key() {
  common::core::byte_buffer bytes(32);
  randombytes_buf(bytes.data(), bytes.size());
  return console::access::make_cookie_key(bytes).value();
}

}  // namespace

console_fixture::console_fixture()
    : console_fixture([](const temp_dir&) { return common::store::store(std::make_unique<common::store::memory_backend>()); }) {}

console_fixture::console_fixture(on_disk_t)
    : console_fixture([](const temp_dir& where) {
        return common::store::open_directory_store(std::filesystem::path(where / "store"), true).value();
      }) {}

console_fixture::console_fixture(const std::function<common::store::store(const temp_dir&)>& make_store)
    : store(make_store(dir)),
      cookie_key(random_cookie_key()),
      now(common::record::utc_time(std::chrono::sys_days(std::chrono::year(2026) / 12 / 1)) + std::chrono::hours(10)) {
  record_shift(camera, 3, std::chrono::minutes(30));
  agency.enroll_store_keys();
  std::filesystem::create_directories(dir / "accounts");
  std::filesystem::create_directories(dir / "state");
  lockout.emplace(console::access::lockout_store::open(dir / "state" / "login-failures.db").value());
  catalogue = std::make_unique<web::catalogue_cache>(dir / "state" / "catalogue.db", std::chrono::seconds(60),
                                                     agency.root().public_key());
  handler = std::make_unique<web::console_handler>(web::console_context{
      &store, agency.root().public_key(), &cookie_key, dir / "accounts", &*lockout, nullptr, std::chrono::hours(8),
      [this] { return now; }, dir / "exports", {}, {}, catalogue.get(), {}});
}

void console_fixture::add_person(const std::string& person, std::uint8_t roles,
                                 std::optional<common::core::byte_buffer> totp, const std::string& password,
                                 const std::string& unit) {
  auto key = common::crypto::secret_key::generate().value();
  agency.enroll(en::subject_kind::person, {person, key.public_key()}, roles, unit);
  auto acct = console::access::make_account(
                  person, key,
                  common::core::byte_view(reinterpret_cast<const std::uint8_t*>(password.data()), password.size()),
                  std::move(totp), en::minimum_limits())
                  .value();
  signers[person] = std::make_shared<common::crypto::software_signer>(std::move(key));
  const std::string text = console::access::format_account(acct);
  REQUIRE(common::core::write_file_durably(
      dir / "accounts" / (person + ".account"),
      common::core::byte_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), {.mode = 0600}));
}

std::uint64_t console_fixture::grant_seq(const std::string& person) {
  auto reg = en::load_register(store, agency.root().public_key()).value();
  for (const auto* g : reg.table.grants_of(en::subject_kind::person))
    if (g->subject == person) return g->seq;
  FAIL("no grant for " << person);
  return 0;
}

void console_fixture::revoke(const std::string& person) {
  en::enrollment_entry e;
  e.action = en::entry_action::revoke;
  e.revokes_seq = grant_seq(person);
  e.valid_from = now - std::chrono::minutes(1);
  e.utc = now - std::chrono::minutes(1);
  e.reason = "left the agency";
  REQUIRE(en::append_enrollment(store, agency.root().public_key(), e, agency.root()));
}

web::web_response console_fixture::request(const std::string& method, const std::string& target,
                                           const std::string& cookie, const std::string& body,
                                           std::map<std::string, std::string> headers) {
  web::web_request r;
  r.method = method;
  r.target = target;
  r.body = body;
  r.https = true;
  r.headers = std::move(headers);
  if (!cookie.empty()) r.headers["cookie"] = std::string(console::access::session_cookie_name) + "=" + cookie;
  auto response = handler->handle(r);
  if (response.after_send) response.after_send(true, "");
  return response;
}

web::web_response console_fixture::post_login(const std::string& person, const std::string& password,
                                              const std::string& code) {
  return request("POST", "/login", {},
                 "person=" + web::url_encode(person) + "&password=" + web::url_encode(password) +
                     "&code=" + web::url_encode(code));
}

std::string console_fixture::login(const std::string& person, const std::string& code) {
  auto r = post_login(person, test_password, code);
  INFO(r.body);
  REQUIRE(r.status == 303);
  const std::string set_cookie = r.header("Set-Cookie");
  const std::string prefix = std::string(console::access::session_cookie_name) + "=";
  REQUIRE(set_cookie.starts_with(prefix));
  return set_cookie.substr(prefix.size(), set_cookie.find(';') - prefix.size());
}

std::string console_fixture::csrf_of(const std::string& cookie) {
  const auto home = get("/", cookie);
  REQUIRE(home.status == 200);
  const std::string marker = "name=\"csrf\" value=\"";
  const auto at = home.body.find(marker);
  REQUIRE(at != std::string::npos);
  return home.body.substr(at + marker.size(), 64);
}

std::size_t console_fixture::access_entries() const {
  auto book = tools::registers::read_register(store, common::store::entry_namespace::access).value();
  REQUIRE(book.is_intact());
  return book.entry_count();
}

std::size_t console_fixture::note_entries() const {
  auto book = tools::registers::read_metadata_register(store).value();
  REQUIRE(book.is_intact());
  return book.entry_count();
}

std::string console_fixture::session_path() const { return "/sessions/cam-0001/" + camera.session().to_hex(); }

std::uint64_t console_fixture::first_segment_seq() const {
  for (const auto& r : camera.records())
    if (std::holds_alternative<common::record::segment_payload>(r.body.body)) return r.body.seq;
  FAIL("the shift has no segment");
  return 0;
}

std::uint64_t console_fixture::first_segment_bytes() const {
  for (const auto& r : camera.records())
    if (const auto* s = std::get_if<common::record::segment_payload>(&r.body.body)) return s->byte_length;
  FAIL("the shift has no segment");
  return 0;
}

namespace {

std::string append_as(console_fixture& f, const std::string& person, std::string action) {
  tools::registers::register_entry e;
  e.kind = tools::registers::entry_kind::access;
  e.utc = f.now - std::chrono::minutes(5);
  e.department = "records unit";
  e.reference = "CASE-2026-0042";
  e.action = std::move(action);
  tools::registers::scope sc;
  sc.device = common::record::device_id::parse("cam-0001").value();
  sc.session = f.camera.session();
  e.scopes.push_back(sc);
  auto stored = tools::registers::append_entry(f.store, common::store::entry_namespace::access, person, std::move(e),
                                               f.signer_of(person));
  REQUIRE(stored);
  return tools::registers::entry_name(stored->body);
}

}  // namespace

std::string console_fixture::request_export(const std::string& person) {
  return append_as(*this, person, std::string(tools::registers::export_request_action));
}

std::string console_fixture::decide_export(const std::string& person, const std::string& request, bool approve) {
  return append_as(*this, person, tools::registers::decision_action({request, approve}));
}

std::size_t console_fixture::retention_entries() const {
  auto book = tools::registers::read_register(store, common::store::entry_namespace::retention).value();
  REQUIRE(book.is_intact());
  return book.entry_count();
}

std::string console_fixture::hold_range_as(const std::string& person) {
  tools::retention::hold_wanted wanted;
  wanted.reason = "evidence";
  wanted.device = common::record::device_id::parse("cam-0001").value();
  wanted.from = now - std::chrono::days(1);
  wanted.reference = "CASE-HOLD-1";
  auto placed = tools::retention::place_hold(store, wanted, {person, "records unit", &signer_of(person), now});
  INFO((placed ? std::string() : placed.error().context));
  REQUIRE(placed);
  return tools::registers::entry_name(placed->entry.body);
}

std::string console_fixture::request_release_as(const std::string& person, const std::string& hold) {
  auto requested =
      tools::retention::request_release(store, hold, "CASE-RELEASE-1", {person, "records unit", &signer_of(person), now});
  INFO((requested ? std::string() : requested.error().context));
  REQUIRE(requested);
  return tools::registers::entry_name(requested->entry.body);
}

std::string console_fixture::decide_retention(const std::string& person, const std::string& request, bool approve) {
  auto book = tools::registers::read_register(store, common::store::entry_namespace::retention).value();
  const tools::registers::signed_entry* asked = nullptr;
  for (const auto& c : book.clerks)
    for (const auto& e : c.entries)
      if (tools::registers::entry_name(e.body) == request) asked = &e;
  REQUIRE(asked != nullptr);
  tools::registers::register_entry e;
  e.kind = asked->body.kind;
  e.utc = now;
  e.department = "records unit";
  e.reference = asked->body.reference;
  e.action = tools::registers::decision_action({request, approve});
  e.scopes = asked->body.scopes;
  auto stored = tools::registers::append_entry(store, common::store::entry_namespace::retention, person, std::move(e),
                                               signer_of(person));
  REQUIRE(stored);
  return tools::registers::entry_name(stored->body);
}

}  // namespace bodycam::tests
