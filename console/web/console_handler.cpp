// The request handler's front door (H1-H4 in console_handler.hpp): static assets, login, logout, the session
// check, and the pages that show no footage. The footage routes are in footage_routes.cpp.
#include "console/web/console_handler.hpp"

#include "common/core/secret_file.hpp"
#include "common/core/unique_fd.hpp"
#include "console/access/account.hpp"
#include "console/access/route_policy.hpp"
#include "console/web/api_json.hpp"
#include "console/web/assets.hpp"
#include "console/web/pages.hpp"
#include "console/web/store_analysis.hpp"
#include "tools/audit/render.hpp"
#include "tools/audit/store_audit.hpp"
#include "tools/enrollment/enrollment_store.hpp"

#include <fstream>
#include <sstream>

#include <sys/stat.h>

namespace bodycam::console::web {

namespace core = common::core;
namespace crypto = common::crypto;
namespace enrollment = tools::enrollment;

namespace {

constexpr std::size_t max_account_bytes = 4096;

web_response redirect(std::string location) {
  web_response r;
  r.status = 303;
  r.set("Location", std::move(location));
  r.body = "<!DOCTYPE html><title>See other</title><p>Continue to the next page.</p>\n";
  return r;
}

std::string cookie_header(const std::string& value, bool https, std::chrono::seconds max_age) {
  return std::string(access::session_cookie_name) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" +
         (https ? "; Secure" : "") + "; Max-Age=" + std::to_string(max_age.count());
}

// The account file of `person`: a regular file no one but the owner may read.
core::expected<access::account> read_account(const std::filesystem::path& dir, const std::string& person) {
  const auto path = dir / (person + ".account");
  auto text = core::read_secret_file(path, "account", max_account_bytes);
  if (!text) {
    if (text.error().code == core::errc::not_found)
      return core::fail(core::errc::not_found, "account " + path.string() + ": no such file");
    if (text.error().code == core::errc::invalid_argument)
      return core::fail(core::errc::malformed, "account " + path.string() + ": larger than 4 KiB");
    return std::unexpected(text.error());
  }
  return access::parse_account(*text, path.string());
}

// The grant that enrolls `key` for `person` now: a person with at least one role, in force (not revoked).
core::expected<enrollment::grant> person_grant(const common::store::store& s, const crypto::public_key& root,
                                               const std::string& person, const crypto::public_key& key,
                                               common::record::utc_time now) {
  auto reg = enrollment::load_register(s, root);
  if (!reg) return core::wrap("read the enrollment register", reg.error());
  for (const enrollment::grant* g : reg->table.grants_of(enrollment::subject_kind::person))
    if (g->subject == person && g->key == key && g->roles != 0 && g->is_in_force(now)) return *g;
  return core::fail(core::errc::permission, "person " + person +
                                                ": not enrolled with this key and a role now (or revoked)");
}

}  // namespace

web_response html_response(unsigned status, std::string body) {
  web_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

web_response error_response(unsigned status, const std::string& title, const std::string& detail) {
  return html_response(status, render_error_page(status, title, detail));
}

web_response see_other(std::string location) {
  web_response r;
  r.status = 303;
  r.set("Location", std::move(location));
  r.body = "<!DOCTYPE html><title>See other</title><p>Continue to the next page.</p>\n";
  return r;
}

std::expected<console_handler::posted_session, web_response> console_handler::session_of_post(
    const web_request& request, std::string_view action, common::record::utc_time now) const {
  const auto not_found = [] { return std::unexpected(error_response(404, "Not found", "No such session.")); };
  std::string_view rest = request.path().substr(std::string_view("/sessions/").size());
  const auto slash = rest.find('/');
  const std::string_view device_part = rest.substr(0, slash);
  const std::string_view tail = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  if (tail.size() != 32 + 1 + action.size() || tail[32] != '/' || !tail.ends_with(action)) return not_found();
  auto device = common::record::device_id::parse(device_part);
  auto id = common::record::session_id::parse(tail.substr(0, 32));
  if (!device || !id) return not_found();
  auto report = analyse_store(*ctx_.store, now);
  if (!report) return std::unexpected(error_response(503, "Store unavailable", report.error().context));
  posted_session out{std::move(*report), *device, *id, nullptr};
  for (const auto& d : out.report.devices)
    if (d.device == out.device)
      for (const auto& s : d.sessions)
        if (s.session == out.id) out.session = &s;
  if (out.session == nullptr) return not_found();
  return out;
}

web_response console_handler::handle(const web_request& request) {
  web_response r;
  try {
    r = dispatch(request);
  } catch (const std::exception& e) {  // a bug must not take the console down, nor show a half page
    r = request.path().starts_with("/api/") ? api_error(500, e.what()) : error_response(500, "Internal error", e.what());
  }
  with_security_headers(r);
  return r;
}

web_response console_handler::dispatch(const web_request& request) {
  const std::string_view path = request.path();
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (request.method != "GET" && request.method != "HEAD" && request.method != "POST") {
    auto r = error_response(405, "Method not allowed", "Use GET or POST.");
    r.set("Allow", "GET, HEAD, POST");
    return r;
  }
  if (path.starts_with("/static/")) {
    const auto asset = find_static_asset(path);
    if (!asset || !get) return error_response(404, "Not found", "No such file.");
    web_response r;
    r.content_type = std::string(asset->content_type);
    r.body = std::string(asset->body);
    r.set("Cache-Control", "public, max-age=3600");
    return r;
  }
  if (path == "/login") {
    if (get) return html_response(200, render_login_page(""));
    return login(request);
  }

  if (path.starts_with("/api/")) return api(request);  // H11: its own answers, JSON

  auto who = check_session(request);  // H2
  if (!who)
    return error_response(401, "Please log in", who.error().context + ". Log in again at /login.");
  if (request.method == "POST") {  // H3
    const auto form = parse_form(request.body);
    const auto token = form ? form->find("csrf") : std::map<std::string, std::string>::const_iterator();
    if (!form || token == form->end() || token->second != who->csrf)
      return error_response(403, "Refused", "This form did not carry the token of your session (CSRF).");
    if (path == "/logout") return logout(request, *who);
    if (path == "/exports/request") return export_request(request, *who);
    if (path.starts_with("/approvals/")) return approval_decision(request, *who);
    if (path.starts_with("/sessions/") && path.ends_with("/notes")) return note_add(request, *who);
    if (path.starts_with("/sessions/") && path.ends_with("/holds")) return hold_place(request, *who);
    if (path == "/retention/release-request") return release_request(request, *who);
    if (path == "/expiry/request") return expiry_request(request, *who);
    if (path.starts_with("/retention/requests/")) return retention_request(request, *who);
    return error_response(404, "Not found", "No such page.");
  }

  const page_user user{who->person, who->roles, who->csrf};
  const auto refuse = [] { return error_response(403, "Not allowed", "Your roles do not allow this page."); };
  using access::route;
  if (path == "/") {
    if (!access::is_allowed(route::home, who->roles, access::ownership::none)) return refuse();
    return html_response(200, render_home_page(user));
  }
  if (path == "/sessions") return session_list(request, *who);
  if (path == "/search") return search(request, *who);
  if (path.starts_with("/sessions/")) {
    if (request.method != "GET") {  // H6
      auto r = error_response(405, "Method not allowed", "Footage is answered to GET only.");
      r.set("Allow", "GET");
      return r;
    }
    return footage(request, *who);
  }
  if (path == "/exports") return export_list(*who);
  if (path.starts_with("/exports/")) {
    if (request.method != "GET") {  // H6: a HEAD must not build and register an export
      auto r = error_response(405, "Method not allowed", "Bundles are answered to GET only.");
      r.set("Allow", "GET");
      return r;
    }
    return export_download(request, *who);
  }
  if (path == "/approvals") return approvals_page(*who);
  if (path == "/expiry") return expiry_page(*who);
  if (path.starts_with("/retention/requests/")) return retention_request(request, *who);
  if (path == "/fleet") return fleet_page(*who);
  if (path == "/statistics") return statistics_page(request, *who);
  if (path == "/statistics.csv") return statistics_csv(request, *who);
  if (path == "/registers/access") {
    if (!access::is_allowed(route::access_register, who->roles, access::ownership::none)) return refuse();
    auto book = tools::registers::read_register(*ctx_.store, common::store::entry_namespace::access);
    if (!book) return error_response(503, "Register unavailable", book.error().context);
    return html_response(200, render_access_register(user, *book));
  }
  if (path == "/audit") {
    if (!access::is_allowed(route::audit_report, who->roles, access::ownership::none)) return refuse();
    tools::audit::audit_options options;
    options.now = ctx_.clock();
    auto report = tools::audit::audit_store(*ctx_.store, options);
    if (!report) return error_response(503, "Audit unavailable", report.error().context);
    return html_response(200, render_text_page(user, "Audit", tools::audit::render_text(*report)));
  }
  if (path == "/enrollment") {
    if (!access::is_allowed(route::enrollment_view, who->roles, access::ownership::none)) return refuse();
    auto reg = enrollment::load_register(*ctx_.store, ctx_.root);
    if (!reg) return error_response(503, "Register unavailable", reg.error().context);
    return html_response(200, render_enrollment_view(user, reg->table));
  }
  return error_response(404, "Not found", "No such page.");
}

web_response console_handler::login(const web_request& request) {
  const auto form = parse_form(request.body);
  const auto field = [&](const char* name) {
    if (!form) return std::string();
    const auto it = form->find(name);
    return it == form->end() ? std::string() : it->second;
  };
  const std::string person = field("person");
  const auto now = ctx_.clock();
  const auto refused = [&](const std::string& why) { return html_response(401, render_login_page(why)); };
  if (!crypto::is_valid_label(person)) return refused("Unknown person or wrong password.");
  auto locked = ctx_.lockout->locked_until(person, now);  // H1, L2
  if (!locked) return error_response(503, "Login unavailable", locked.error().context);
  if (*locked)
    return html_response(429, render_login_page("Too many failed logins: this account is locked until " +
                                       format_time(**locked) + "."));
  const auto fail = [&](const std::string& why) {
    if (auto ok = ctx_.lockout->record_failure(person, now); !ok)
      return error_response(503, "Login unavailable", ok.error().context);
    return refused(why);
  };
  const std::string password = field("password");
  const auto password_bytes = core::byte_view(reinterpret_cast<const std::uint8_t*>(password.data()), password.size());
  auto acct = read_account(ctx_.accounts_dir, person);
  if (!acct) {
    if (ctx_.decoy != nullptr) (void)access::unlock_account(*ctx_.decoy, password_bytes, field("code"), now);
    return fail("Unknown person or wrong password.");
  }
  auto key = access::unlock_account(*acct, password_bytes, field("code"), now);
  if (!key) return fail("Unknown person or wrong password or one-time code.");
  auto grant = person_grant(*ctx_.store, ctx_.root, person, key->key.public_key(), now);
  if (!grant) return fail("This person is not enrolled with a role now, or was revoked.");
  if (key->totp_step) {  // L5
    auto fresh = ctx_.lockout->claim_totp_step(person, *key->totp_step);
    if (!fresh) return error_response(503, "Login unavailable", fresh.error().context);
    if (!*fresh) return fail("This one-time code was used already; wait for the next one.");
  }
  if (auto ok = ctx_.lockout->clear_failures(person); !ok)
    return error_response(503, "Login unavailable", ok.error().context);
  access::session_claims claims{person, grant->roles, now + ctx_.session_length, std::move(key->key)};
  auto cookie = access::seal_session_cookie(claims, *ctx_.cookie_key);
  if (!cookie) return error_response(500, "Login failed", cookie.error().context);
  auto r = redirect("/");
  r.set("Set-Cookie", cookie_header(*cookie, request.https,
                                    std::chrono::duration_cast<std::chrono::seconds>(ctx_.session_length)));
  return r;
}

web_response console_handler::logout(const web_request& request, const signed_in&) {
  auto r = redirect("/login");
  r.set("Set-Cookie", cookie_header("", request.https, std::chrono::seconds(0)));
  return r;
}

core::expected<signed_in> console_handler::check_session(const web_request& request) {
  const auto value = cookie_value(request.header("cookie"), access::session_cookie_name);
  if (!value) return core::fail(core::errc::permission, "not logged in");
  const auto now = ctx_.clock();
  auto opened = access::open_session_cookie(*value, *ctx_.cookie_key, now);
  if (!opened) return std::unexpected(opened.error());
  auto grant = person_grant(*ctx_.store, ctx_.root, opened->claims.person, opened->claims.key.public_key(), now);
  if (!grant) return std::unexpected(grant.error());
  signed_in who;
  who.person = opened->claims.person;
  who.roles = grant->roles;
  who.unit = grant->unit;
  who.csrf = access::csrf_token(*ctx_.cookie_key, opened->nonce);
  who.signer = std::make_shared<crypto::software_signer>(std::move(opened->claims.key));
  return who;
}

}  // namespace bodycam::console::web
