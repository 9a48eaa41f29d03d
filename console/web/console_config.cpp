// Parsing bodycam-console's TOML configuration (console_config.hpp).
#include "console/web/console_config.hpp"

#include "tools/registers/metadata_book.hpp"

#include <charconv>
#include <filesystem>
#include <set>

#include <toml++/toml.h>

namespace bodycam::console::web {

namespace core = common::core;

namespace {

std::unexpected<core::error> bad(const std::string& origin, std::string_view key, const std::string& why) {
  return core::fail(core::errc::invalid_argument, origin + ": console." + std::string(key) + ": " + why);
}

core::expected<listen_address> parse_listen(std::string_view text, const std::string& origin) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return bad(origin, "listen", "'" + std::string(text) + "' is not host:port");
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto digits = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || port > 65535 || host.empty())
    return bad(origin, "listen", "'" + std::string(text) + "' is not host:port");
  return listen_address{host, static_cast<std::uint16_t>(port)};
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

core::expected<console_config> parse_console_config(std::string_view text, const std::string& base_directory,
                                                    const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return core::fail(core::errc::malformed, origin + ": " + std::string(e.description()) + " at line " +
                                                 std::to_string(e.source().begin.line));
  }
  for (const auto& [key, node] : root)
    if (key.str() != "console" && key.str() != "store" && key.str() != "fleet" && key.str() != "catalogue" &&
        key.str() != "notes" && key.str() != "footage")
      return core::fail(core::errc::invalid_argument, origin + ": unknown section [" + std::string(key.str()) + "]");
  const auto* table = root["console"].as_table();
  if (table == nullptr) return core::fail(core::errc::invalid_argument, origin + ": [console] is required");
  const auto* store_table = root["store"].as_table();
  if (store_table == nullptr) return core::fail(core::errc::invalid_argument, origin + ": [store] is required");

  console_config c;
  std::set<std::string> used;
  const auto resolve = [&](const std::string& p) {
    const std::filesystem::path path(p);
    return path.is_absolute() ? p : (std::filesystem::path(base_directory) / path).lexically_normal().string();
  };
  const auto path_of = [&](std::string_view key, bool required, std::string& out) -> core::status {
    used.insert(std::string(key));
    const auto node = (*table)[key];
    if (!node) {
      if (required) return bad(origin, key, "required");
      return {};
    }
    const auto* s = node.as_string();
    if (s == nullptr || s->get().empty()) return bad(origin, key, "must be a non-empty string");
    out = resolve(s->get());
    return {};
  };
  const auto number_of = [&](std::string_view key, std::int64_t low, std::int64_t high,
                             std::int64_t& out) -> core::status {
    used.insert(std::string(key));
    const auto node = (*table)[key];
    if (!node) return {};
    const auto* v = node.as_integer();
    if (v == nullptr || v->get() < low || v->get() > high)
      return bad(origin, key, "must be an integer " + std::to_string(low) + "-" + std::to_string(high));
    out = v->get();
    return {};
  };

  used.insert("listen");
  const auto* listen = (*table)["listen"].as_array();
  if (listen == nullptr || listen->empty()) return bad(origin, "listen", "required: a list of \"host:port\"");
  for (const auto& item : *listen) {
    const auto* s = item.as_string();
    if (s == nullptr) return bad(origin, "listen", "every item must be a \"host:port\" string");
    auto a = parse_listen(s->get(), origin);
    if (!a) return std::unexpected(a.error());
    c.listen.push_back(*a);
  }
  for (auto [key, required, field] :
       {std::tuple{"tls_certificate", false, &c.tls_certificate}, std::tuple{"tls_key", false, &c.tls_key},
        std::tuple{"root_public_key", true, &c.root_public_key}, std::tuple{"accounts_dir", true, &c.accounts_dir},
        std::tuple{"cookie_key_file", true, &c.cookie_key_file}, std::tuple{"state_dir", true, &c.state_dir}})
    if (auto ok = path_of(key, required, *field); !ok) return std::unexpected(ok.error());
  if (c.tls_certificate.empty() != c.tls_key.empty())
    return bad(origin, "tls_certificate", "give tls_certificate and tls_key together");
  if (c.tls_certificate.empty())
    for (const auto& a : c.listen)
      if (!is_loopback_host(a.host))
        return bad(origin, "listen", a.host + " is not a loopback address: plain HTTP is allowed only on loopback; "
                                              "set tls_certificate and tls_key");

  std::int64_t hours = 8, header = 10, body = 20, request = 60, idle = 30, max_body = 65536, max_connections = 64;
  for (auto [key, low, high, field] :
       {std::tuple{"session_hours", 1, 24, &hours}, std::tuple{"header_timeout_seconds", 1, 300, &header},
        std::tuple{"body_timeout_seconds", 1, 600, &body}, std::tuple{"request_timeout_seconds", 1, 3600, &request},
        std::tuple{"idle_timeout_seconds", 1, 3600, &idle}, std::tuple{"max_body_bytes", 1024, 16777216, &max_body},
        std::tuple{"max_connections", 2, 10000, &max_connections}})
    if (auto ok = number_of(key, low, high, *field); !ok) return std::unexpected(ok.error());
  c.session_length = std::chrono::hours(hours);
  c.limits = {std::chrono::seconds(header), std::chrono::seconds(body), std::chrono::seconds(request),
              std::chrono::seconds(idle), static_cast<std::size_t>(max_body),
              static_cast<std::size_t>(max_connections)};
  for (const auto& [key, node] : *table)
    if (!used.contains(std::string(key.str()))) return bad(origin, key.str(), "unknown key");

  if (const auto* fleet = root["fleet"].as_table()) {
    for (const auto& [key, node] : *fleet) {
      if (key.str() == "dock_status_urls") {
        const auto* urls = node.as_array();
        if (urls == nullptr) return bad(origin, "dock_status_urls", "must be a list of \"http://host:port/status.json\"");
        for (const auto& item : *urls) {
          const auto* u = item.as_string();
          if (u == nullptr || !u->get().starts_with("http://"))
            return bad(origin, "dock_status_urls", "every item must be an http:// URL string");
          c.dock_status_urls.push_back(u->get());
        }
      } else if (key.str() == "dock_timeout_seconds") {
        const auto* v = node.as_integer();
        if (v == nullptr || v->get() < 1 || v->get() > 30)
          return bad(origin, "dock_timeout_seconds", "must be an integer 1-30");
        c.dock_timeout = std::chrono::seconds(v->get());
      } else {
        return bad(origin, key.str(), "unknown key in [fleet]");
      }
    }
  }

  c.catalogue_file = (std::filesystem::path(c.state_dir) / "catalogue.db").string();
  if (const auto* catalogue = root["catalogue"].as_table()) {
    for (const auto& [key, node] : *catalogue) {
      if (key.str() == "file") {
        const auto* s = node.as_string();
        if (s == nullptr || s->get().empty()) return bad(origin, "file", "must be a non-empty string in [catalogue]");
        c.catalogue_file = resolve(s->get());
      } else if (key.str() == "refresh_seconds") {
        const auto* v = node.as_integer();
        if (v == nullptr || v->get() < 0 || v->get() > 86400)
          return bad(origin, "refresh_seconds", "must be an integer 0-86400 in [catalogue]");
        c.catalogue_refresh = std::chrono::seconds(v->get());
      } else {
        return bad(origin, key.str(), "unknown key in [catalogue]");
      }
    }
  }
  c.note_categories = tools::registers::default_note_categories();
  if (const auto* notes = root["notes"].as_table()) {
    for (const auto& [key, node] : *notes) {
      if (key.str() != "categories") return bad(origin, key.str(), "unknown key in [notes]");
      const auto* list = node.as_array();
      if (list == nullptr || list->empty()) return bad(origin, "categories", "must be a non-empty list of names");
      c.note_categories.clear();
      for (const auto& item : *list) {
        const auto* s = item.as_string();
        if (s == nullptr) return bad(origin, "categories", "every item must be a string");
        if (auto why = tools::registers::check_field_value(tools::registers::note_field::category, s->get());
            !why.empty())
          return bad(origin, "categories", why);
        c.note_categories.push_back(s->get());
      }
    }
  }

  if (const auto* footage = root["footage"].as_table()) {
    for (const auto& [key, node] : *footage) {
      const auto* s = node.as_string();
      if (key.str() != "sealed_key_file" && key.str() != "passphrase_file")
        return bad(origin, key.str(), "unknown key in [footage]");
      if (s == nullptr || s->get().empty()) return bad(origin, key.str(), "must be a non-empty string in [footage]");
      (key.str() == "sealed_key_file" ? c.footage_key_file : c.footage_passphrase_file) = resolve(s->get());
    }
    if (c.footage_key_file.empty() != c.footage_passphrase_file.empty())
      return bad(origin, "footage", "give both sealed_key_file and passphrase_file in [footage], or neither");
  }

  auto store = common::store::parse_store_config(*store_table, origin, base_directory);
  if (!store) return std::unexpected(store.error());
  c.store = std::move(*store);
  return c;
}

}  // namespace bodycam::console::web
