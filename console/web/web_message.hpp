// A request and a response of the console as plain data, and the pure helpers to read them (query strings,
// forms, cookies): the request handler works on these, so everything but the socket is tested without one.
// Guarantees:
//  M1. parse_form decodes application/x-www-form-urlencoded ('+' is a space, %XX a byte); a malformed escape
//      makes the whole form nullopt rather than a guess. Repeated names keep the first value.
//  M2. cookie_value finds a cookie by exact name in a Cookie header ("a=1; b=2").
//  M3. Every response gets the security headers of with_security_headers (CSP without inline script or style,
//      nosniff, no referrer, no framing, no-store).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bodycam::console::web {

struct web_request {
  std::string method;  // "GET", "POST", "HEAD"
  std::string target;  // "/sessions?device=cam-1"
  std::map<std::string, std::string> headers;  // lower-case names: cookie, range, content-type, host
  std::string body;
  bool https = false;
  std::string client;  // remote address, for logs

  [[nodiscard]] std::string header(const std::string& name) const;
  [[nodiscard]] std::string_view path() const;   // the target before '?'
  [[nodiscard]] std::string_view query() const;  // after '?', or empty
};

struct web_response {
  unsigned status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Called by the server once the response was written (true) or could not be (false, with why). The
  // handler uses it to write a download's outcome entry.
  std::function<void(bool sent, const std::string& why)> after_send;

  void set(std::string name, std::string value);
  [[nodiscard]] std::string header(std::string_view name) const;  // "" if absent
};

[[nodiscard]] std::optional<std::map<std::string, std::string>> parse_form(std::string_view text);
[[nodiscard]] std::optional<std::string> url_decode(std::string_view text, bool plus_is_space);
[[nodiscard]] std::string url_encode(std::string_view text);
[[nodiscard]] std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

// media-src allows blob: because the playback script hands the <video> a MediaSource through a blob: URL;
// without it the browser refuses to load the player at all.
inline constexpr std::string_view content_security_policy =
    "default-src 'self'; script-src 'self'; media-src 'self' blob:; object-src 'none'; frame-ancestors 'none'";
// M3: sets Content-Security-Policy, X-Content-Type-Options, Referrer-Policy, X-Frame-Options, and
// Cache-Control no-store unless the response already chose a Cache-Control (the static assets).
void with_security_headers(web_response& r);

}  // namespace bodycam::console::web
