// The configuration of `bodycam-dockd --config FILE` (TOML), as plain values, and its pure parser.
// Relative paths are resolved against the directory of the config file. Unknown keys and sections are errors
// (a typo must not silently fall back to a default); every error names the key and what was wrong.
//
//   [dock]
//   id = "dock-1"                         # required; the label of the dock key (device-id charset)
//   key_file = "dock.key"                 # required; Ed25519 secret key (mode 0600)
//   store_dir = "store"                   # required; the local directory store (created if missing)
//   trusted_cameras_dir = "cameras"       # required; <device>.pub of every enrolled camera
//   state_db = "state/dock.db"            # required; the dock's queue state (SQLite, ingest/schedule)
//   spool_dir = "state/spool"             # default: <dir of state_db>/spool
//   quarantine_dir = "quarantine"         # default: <dir of state_db>/quarantine (outside the store)
//   poll_interval_seconds = 10            # 1-3600: how often an idle camera is docked again
//   timeout_seconds = 30                  # 1-600: every link read/write deadline
//   [http]
//   listen = "127.0.0.1:8470"             # "" = off; loopback only
//   [[camera]]                            # 0-64 of them
//   slot = "slot-1"
//   address = "127.0.0.1:7400"            # IPv4/IPv6 literal and port of the camera's offload service
#pragma once

#include "common/core/error.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::ingest::dockd {

struct camera_address {
  std::string slot;
  std::string host;
  std::uint16_t port = 0;
};

struct dockd_config {
  std::string dock_id;
  std::string key_file;
  std::string store_dir;
  std::string trusted_cameras_dir;
  std::string state_db;
  std::string spool_dir;
  std::string quarantine_dir;
  std::chrono::seconds poll_interval{10};
  std::chrono::seconds timeout{30};
  std::string http_host;  // empty = no HTTP status
  std::uint16_t http_port = 0;
  std::vector<camera_address> cameras;
};

inline constexpr std::size_t max_cameras = 64;

// Parses TOML text; `base_directory` resolves relative paths; `origin` names the file in messages.
[[nodiscard]] common::core::expected<dockd_config> parse_dockd_config(std::string_view text,
                                                                      const std::string& base_directory,
                                                                      const std::string& origin);
// Reads and parses the file.
[[nodiscard]] common::core::expected<dockd_config> load_dockd_config(const std::string& path);

// "127.0.0.1:7400" or "[::1]:7400" → host, port; malformed naming `what` otherwise.
[[nodiscard]] common::core::expected<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text,
                                                                                             std::string_view what);

}  // namespace bodycam::ingest::dockd
