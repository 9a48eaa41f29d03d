// bodycam-console's configuration file (TOML), parsed in one place. Pure: text in, settings out; relative
// paths are resolved against the config file's folder.
//
//   [console]
//   listen = ["0.0.0.0:8443"]                # one or more host:port; plain HTTP only on a loopback address
//   tls_certificate = "console.crt"          # PEM chain; with tls_key, required unless every address is loopback
//   tls_key = "console.key"                  # PEM private key, mode 0600
//   root_public_key = "agency-root.pub"      # the agency root the enrollment register is checked under
//   accounts_dir = "accounts"                # <person>.account files (bodycam-console account add)
//   cookie_key_file = "cookie.key"           # 32 random bytes, mode 0600, the same file for every console
//   state_dir = "state"                      # shared by every console: the failed-login counter
//   session_hours = 8                        # 1-24: how long a login lasts
//   header_timeout_seconds = 10              # 1-300: the request line and headers must arrive within this
//   body_timeout_seconds = 20                # 1-600: the body, after the headers
//   request_timeout_seconds = 60             # 1-3600: the whole request and its reply
//   idle_timeout_seconds = 30                # 1-3600: a kept-alive connection waiting for its next request
//   max_body_bytes = 65536                   # 1024-16777216: larger bodies are answered 413
//   max_connections = 64                     # 2-10000
//
//   [fleet]                                  # optional: the docks the fleet page asks for their status
//   dock_status_urls = ["http://127.0.0.1:8080/status.json"]   # each dock's /status.json (plain HTTP)
//   dock_timeout_seconds = 3                 # 1-30: a dock that does not answer in time is shown unreachable
//
//   [catalogue]                              # optional: the search catalogue (tools/catalogue), a rebuildable cache
//   file = "state/catalogue.db"              # default: <state_dir>/catalogue.db; one file per console
//   refresh_seconds = 60                     # 0-86400: a search refreshes it from the store when older than this
//
//   [notes]                                  # optional
//   categories = ["evidence", "complaint"]   # the categories a note may set (default: the metadata register's)
//
//   [store]                                  # the evidence store, as in bodycam-dockd (s3_store_config.hpp)
//   kind = "directory"
//   path = "/srv/bodycam/store"
//
// Guarantees: unknown sections and keys, values out of range and a non-loopback address without TLS are
// errc::invalid_argument naming the key; a config is either whole or refused.
#pragma once

#include "common/core/error.hpp"
#include "common/store/s3_store_config.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace bodycam::console::web {

struct listen_address {
  std::string host;
  std::uint16_t port = 0;
};

struct server_limits {
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{20};
  std::chrono::seconds request_timeout{60};
  std::chrono::seconds idle_timeout{30};
  std::size_t max_body_bytes = 65536;
  std::size_t max_connections = 64;
};

struct console_config {
  std::vector<listen_address> listen;
  std::string tls_certificate;  // empty: plain HTTP (loopback only)
  std::string tls_key;
  std::string root_public_key;
  std::string accounts_dir;
  std::string cookie_key_file;
  std::string state_dir;
  std::chrono::hours session_length{8};
  server_limits limits;
  std::vector<std::string> dock_status_urls;
  std::chrono::seconds dock_timeout{3};
  std::string catalogue_file;  // always set: [catalogue] file or <state_dir>/catalogue.db
  std::chrono::seconds catalogue_refresh{60};
  std::vector<std::string> note_categories;  // never empty
  // [footage]: the agency footage key the console decrypts encrypted sessions with (both or neither).
  std::string footage_key_file;         // sealed_key_file: a sealed footage key (0600)
  std::string footage_passphrase_file;  // passphrase_file: its passphrase (0600)
  common::store::store_config store;
};

[[nodiscard]] common::core::expected<console_config> parse_console_config(std::string_view text,
                                                                          const std::string& base_directory,
                                                                          const std::string& origin);
// Whether `host` is a loopback address (127.0.0.0/8, ::1, "localhost").
[[nodiscard]] bool is_loopback_host(const std::string& host);

}  // namespace bodycam::console::web
