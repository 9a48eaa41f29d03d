// The configuration of `bodycam-dockd --config FILE` (TOML), as plain values, and its pure parser.
// Relative paths are resolved against the directory of the config file. Unknown keys and sections are errors
// (a typo must not silently fall back to a default); every error names the key and what was wrong.
//
//   [dock]
//   id = "dock-1"                         # required; the label of the dock key (device-id charset)
//   key_file = "dock.key"                 # required; Ed25519 secret key (mode 0600)
//   store_dir = "store"                   # the local directory store (created if missing); required without [store]
//   trusted_cameras_dir = "cameras"       # required; <device>.pub of every enrolled camera
//   state_db = "state/dock.db"            # required; the dock's queue state (SQLite, ingest/schedule)
//   spool_dir = "state/spool"             # default: <dir of state_db>/spool
//   quarantine_dir = "quarantine"         # default: <dir of state_db>/quarantine (outside the store)
//   poll_interval_seconds = 10            # 1-3600: how often an idle camera is docked again
//   timeout_seconds = 30                  # 1-600: every link read/write deadline
//   [store]                               # instead of store_dir: a directory or S3 store (s3_store_config.hpp)
//   kind = "s3"                           # endpoint, bucket, credentials_file, retention_days, worm, …
//   [schedule]                            # the deadline scheduler (ingest/schedule), all optional
//   upload_slots = 1                      # 1-16: cameras uploading at once, granted EDF
//   store_depth = 6                       # 0-16: files a camera's docking stores side by side while it
//                                         # fetches the next (0: each stored before the next is fetched)
//   completion_margin_minutes = 120       # 0-1440: at_risk if projected to finish closer to the deadline (A2)
//   time_left_threshold_minutes = 60      # 0-1440: at_risk if less time than this is left (A3)
//   slot_wait_seconds = 5                 # 1-600: a camera waits this long for a slot, then docks again later
//   reassess_seconds = 10                 # 1-3600: how often the backlog is re-assessed without any event
//   initial_throughput_mib_per_second = 20  # 1-10000: assumed until the first file is stored
//   [http]
//   listen = "127.0.0.1:8470"             # "" = off; loopback only; port 0 = any free port (printed at start)
//   idle_timeout_seconds = 3              # 1-600: a connection without its whole request by then is closed
//   max_connections = 16                  # 2-1024: open at once; one is always kept free for a newcomer
//   max_connections_per_client = 8        # 1-1024: from one client address
//   [[witness]]                           # 0-16 of them: where the dock submits each new store log checkpoint
//   name = "witness-1"                    # the witness's key label (its cosignatures' key name)
//   url = "http://127.0.0.1:8480"         # C2SP tlog-witness: POST <url>/add-checkpoint
//   public_key_file = "witness-1.pub"     # the witness's public key (bodycam keygen), label = name
//   [[camera]]                            # 0-64 of them
//   slot = "slot-1"
//   address = "127.0.0.1:7400"            # IPv4/IPv6 literal and port of the camera's offload service
#pragma once

#include "common/core/error.hpp"
#include "common/store/s3_store_config.hpp"

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

// A witness the dock submits its checkpoints to (ingest/dockd/witness_submitter.hpp).
struct witness_endpoint {
  std::string name;
  std::string url;     // as configured
  std::string host;    // an IP literal
  std::uint16_t port = 0;
  std::string target;  // the request path: the url's path (if any) + "/add-checkpoint"
  std::string public_key_file;
};

struct dockd_config {
  std::string dock_id;
  std::string key_file;
  std::string store_dir;              // the directory store's root; empty for an S3 store
  common::store::store_config store;  // what the daemon opens (from [store], or store_dir)
  std::string trusted_cameras_dir;
  std::string state_db;
  std::string spool_dir;
  std::string quarantine_dir;
  std::chrono::seconds poll_interval{10};
  std::chrono::seconds timeout{30};
  std::string http_host;  // empty = no HTTP status
  std::uint16_t http_port = 0;
  std::chrono::seconds http_idle_timeout{3};
  std::size_t http_max_connections = 16;
  std::size_t http_max_connections_per_client = 8;
  std::vector<camera_address> cameras;
  std::vector<witness_endpoint> witnesses;
  std::size_t upload_slots = 1;
  std::size_t store_depth = 6;  // dock_session.hpp session_settings::store_depth
  std::chrono::minutes completion_margin{120};
  std::chrono::minutes time_left_threshold{60};
  std::chrono::seconds reassess_interval{10};
  std::chrono::seconds slot_wait{5};
  double initial_bytes_per_second = 20.0 * 1024 * 1024;
};

inline constexpr std::size_t max_cameras = 64;
inline constexpr std::size_t max_witnesses = 16;

// Parses TOML text; `base_directory` resolves relative paths; `origin` names the file in messages.
[[nodiscard]] common::core::expected<dockd_config> parse_dockd_config(std::string_view text,
                                                                      const std::string& base_directory,
                                                                      const std::string& origin);
// "http://HOST:PORT[/path]" → host, port and target "<path>/add-checkpoint"; invalid_argument naming `what`.
[[nodiscard]] common::core::expected<witness_endpoint> parse_witness_url(std::string_view url, std::string_view what);
// Reads and parses the file.
[[nodiscard]] common::core::expected<dockd_config> load_dockd_config(const std::string& path);

// "127.0.0.1:7400" or "[::1]:7400" → host, port; malformed naming `what` otherwise. Port 0 ("any free
// port", for the HTTP status in tests) only with `allow_any_port`.
[[nodiscard]] common::core::expected<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text,
                                                                                             std::string_view what,
                                                                                             bool allow_any_port = false);

}  // namespace bodycam::ingest::dockd
