// console/web pure parts: the route table (P1, P2), Range answers, forms and cookies, security headers,
// the config, and hostile text rendered inert.
#include "console/access/route_policy.hpp"
#include "console/web/byte_range.hpp"
#include "console/web/console_config.hpp"
#include "console/web/pages.hpp"
#include "console/web/web_message.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace bodycam;
namespace ac = bodycam::console::access;
namespace web = bodycam::console::web;

TEST_CASE("route table: footage and request routes never allowed without knowing whose (P2)") {
  std::size_t checked = 0;
  for (const auto r : ac::all_routes)
    if (ac::is_footage_route(r) || ac::is_request_route(r)) {
      CHECK_FALSE(ac::is_allowed(r, tools::enrollment::all_roles_mask, ac::ownership::none));
      ++checked;
    }
  // session_page, session_playback, file_download, api_session, viewing_copy; four request routes (export download,
  // export decision, retention decision, retention execution)
  CHECK(checked == 9);
  // Nobody, whatever their roles, may decide their own export or retention request, nor carry out another's.
  CHECK_FALSE(ac::is_allowed(ac::route::approval_decision, tools::enrollment::all_roles_mask, ac::ownership::own));
  CHECK_FALSE(ac::is_allowed(ac::route::retention_decision, tools::enrollment::all_roles_mask, ac::ownership::own));
  CHECK_FALSE(ac::is_allowed(ac::route::retention_execute, tools::enrollment::all_roles_mask, ac::ownership::other));
  // A hold is placed on a session whose ownership is known, like a note.
  CHECK_FALSE(ac::is_allowed(ac::route::hold_place, tools::enrollment::all_roles_mask, ac::ownership::none));
}

TEST_CASE("route table: the words of the header") {
  using ac::ownership;
  using ac::route;
  const auto bit = [](ac::role r) { return static_cast<std::uint8_t>(r); };
  CHECK(ac::is_allowed(route::file_download, bit(ac::role::officer), ownership::own));
  CHECK_FALSE(ac::is_allowed(route::file_download, bit(ac::role::officer), ownership::other));
  CHECK(ac::is_allowed(route::session_playback, bit(ac::role::clerk), ownership::other));
  CHECK(ac::is_allowed(route::session_page, bit(ac::role::supervisor), ownership::other));
  for (const auto o : {ownership::own, ownership::other}) {
    CHECK_FALSE(ac::is_allowed(route::session_playback, bit(ac::role::auditor), o));
    CHECK_FALSE(ac::is_allowed(route::session_page, bit(ac::role::admin), o));
    CHECK_FALSE(ac::is_allowed(route::file_download, bit(ac::role::admin), o));
  }
  CHECK(ac::is_allowed(route::access_register, bit(ac::role::auditor), ownership::none));
  CHECK_FALSE(ac::is_allowed(route::access_register, bit(ac::role::clerk), ownership::none));
  CHECK(ac::is_allowed(route::enrollment_view, bit(ac::role::admin), ownership::none));
  CHECK_FALSE(ac::is_allowed(route::session_list, bit(ac::role::admin), ownership::none));
  CHECK_FALSE(ac::is_allowed(route::home, 0, ownership::none));  // no role, nothing (P1)
  // Several roles: any one suffices.
  CHECK(ac::is_allowed(route::file_download, bit(ac::role::officer) | bit(ac::role::clerk), ownership::other));
}

TEST_CASE("byte range: answers per RFC 9110") {
  using k = web::range_answer::kind;
  const auto a = web::answer_range("bytes=0-99", 1000);
  CHECK((a.what == k::partial && a.first == 0 && a.last == 99));
  CHECK(web::content_range(a, 1000) == "bytes 0-99/1000");
  const auto open_end = web::answer_range("bytes=900-", 1000);
  CHECK((open_end.what == k::partial && open_end.first == 900 && open_end.last == 999));
  const auto suffix = web::answer_range("bytes=-10", 1000);
  CHECK((suffix.what == k::partial && suffix.first == 990 && suffix.last == 999));
  const auto clipped = web::answer_range("bytes=990-5000", 1000);
  CHECK((clipped.what == k::partial && clipped.last == 999));
  CHECK(web::answer_range("bytes=1000-", 1000).what == k::unsatisfiable);
  CHECK(web::answer_range("bytes=-0", 1000).what == k::unsatisfiable);
  CHECK(web::content_range(web::answer_range("bytes=5000-6000", 1000), 1000) == "bytes */1000");
  CHECK(web::answer_range("bytes=0-1,5-6", 1000).what == k::whole);
  CHECK(web::answer_range("items=0-1", 1000).what == k::whole);
  CHECK(web::answer_range("bytes=99999999999999999999999-", 1000).what == k::whole);
  CHECK(web::answer_range("bytes=5-2", 1000).what == k::whole);
  CHECK(web::answer_range("", 1000).what == k::whole);
}

TEST_CASE("forms, url decoding and cookies") {
  const auto form = web::parse_form("person=clerk-1&password=a+b%26c&x=").value();
  CHECK(form.at("person") == "clerk-1");
  CHECK(form.at("password") == "a b&c");
  CHECK(form.at("x").empty());
  CHECK_FALSE(web::parse_form("a=%4"));
  CHECK_FALSE(web::parse_form("a=%zz"));
  CHECK(web::cookie_value("a=1; bodycam_session=xyz; c=3", "bodycam_session").value() == "xyz");
  CHECK_FALSE(web::cookie_value("xbodycam_session=1", "bodycam_session"));
  CHECK(web::url_decode(web::url_encode("a/b c&<>"), false).value() == "a/b c&<>");
}

TEST_CASE("security headers on every response") {
  web::web_response r;
  web::with_security_headers(r);
  CHECK(r.header("Content-Security-Policy") ==
        "default-src 'self'; script-src 'self'; media-src 'self' blob:; object-src 'none'; frame-ancestors 'none'");
  CHECK(r.header("X-Content-Type-Options") == "nosniff");
  CHECK(r.header("Referrer-Policy") == "no-referrer");
  CHECK(r.header("Cache-Control") == "no-store");
}

TEST_CASE("pages: xss_in_officer_and_filter_fields — hostile text is inert") {
  const std::string payload = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
  const web::page_user user{"clerk-1", 2, "token"};
  web::session_row row;
  row.device = "cam-0001";
  row.session = std::string(32, 'a');
  row.officer = payload;
  const std::string list = web::render_session_list(user, {payload, payload, ""}, {row});
  CHECK(list.find("<script>alert") == std::string::npos);
  CHECK(list.find("<img") == std::string::npos);
  CHECK(list.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img") != std::string::npos);
  // In an attribute the payload stays inside its quotes: the value is the whole escaped text.
  CHECK(list.find("value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;\"") !=
        std::string::npos);
  CHECK_FALSE(std::regex_search(web::render_home_page(user), std::regex("<[^>]*\\son[a-z]+=")));  // no handler
  const std::string login = web::render_login_page(payload);
  CHECK(login.find("<img") == std::string::npos);
  // G2: no inline script, handler or style attribute anywhere.
  for (const std::string& page : {list, login, web::render_home_page(user)}) {
    CHECK(page.find("<script>") == std::string::npos);
    CHECK(page.find(" style=") == std::string::npos);
    CHECK(page.find("<script src=\"/static/console.js\" defer></script>") != std::string::npos);
  }
}

TEST_CASE("config: plain HTTP only on loopback; unknown keys and ranges refused") {
  const std::string base = "[store]\npath = \"store\"\n[console]\nroot_public_key = \"root.pub\"\n"
                           "accounts_dir = \"accounts\"\ncookie_key_file = \"cookie.key\"\nstate_dir = \"state\"\n";
  const auto loopback = web::parse_console_config(base + "listen = [\"127.0.0.1:8080\"]\n", "/etc/bc", "c.toml");
  REQUIRE(loopback);
  CHECK(loopback->accounts_dir == "/etc/bc/accounts");
  CHECK(loopback->limits.max_body_bytes == 65536);
  const auto open = web::parse_console_config(base + "listen = [\"0.0.0.0:8080\"]\n", "/etc/bc", "c.toml");
  REQUIRE_FALSE(open);
  CHECK(open.error().context.find("loopback") != std::string::npos);
  CHECK(web::parse_console_config(base + "listen = [\"0.0.0.0:8443\"]\ntls_certificate = \"c.pem\"\n"
                                         "tls_key = \"k.pem\"\n", "/etc/bc", "c.toml"));
  CHECK_FALSE(web::parse_console_config(base + "listen = [\"127.0.0.1:1\"]\nmax_body_bytes = 10\n", "/", "c"));
  CHECK_FALSE(web::parse_console_config(base + "listen = [\"127.0.0.1:1\"]\ncolour = \"red\"\n", "/", "c"));
}

TEST_CASE("config: [fleet] dock status URLs and timeout; anything else there refused") {
  const std::string base = "[store]\npath = \"store\"\n[console]\nroot_public_key = \"root.pub\"\n"
                           "accounts_dir = \"accounts\"\ncookie_key_file = \"cookie.key\"\nstate_dir = \"state\"\n"
                           "listen = [\"127.0.0.1:8080\"]\n";
  const auto none = web::parse_console_config(base, "/etc/bc", "c.toml");
  REQUIRE(none);
  CHECK(none->dock_status_urls.empty());
  CHECK(none->dock_timeout == std::chrono::seconds(3));
  const auto two = web::parse_console_config(
      base + "[fleet]\ndock_status_urls = [\"http://127.0.0.1:8080/status.json\", \"http://dock-2:8080/status.json\"]\n"
             "dock_timeout_seconds = 5\n",
      "/etc/bc", "c.toml");
  REQUIRE(two);
  CHECK(two->dock_status_urls.size() == 2);
  CHECK(two->dock_timeout == std::chrono::seconds(5));
  CHECK_FALSE(web::parse_console_config(base + "[fleet]\ndock_status_urls = [\"ftp://x/status.json\"]\n", "/", "c"));
  CHECK_FALSE(web::parse_console_config(base + "[fleet]\ndock_timeout_seconds = 0\n", "/", "c"));
  CHECK_FALSE(web::parse_console_config(base + "[fleet]\ncolour = \"red\"\n", "/", "c"));
}
