// What `bodycam doctor` knows about a camera or a dock once the probes have looked: plain values, no I/O.
// The probes (camera_probe, dock_probe, file_probe) fill these structs; the rules (camera_rules, dock_rules,
// shared_rules) turn them into findings. Tests build facts by hand to exercise every rule, and build real
// fixtures on disk to exercise the probes.
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/record/payloads.hpp"
#include "firmware/session/precheck.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::doctor {

struct config_facts {
  std::string path;
  bool loaded = false;
  std::string error;             // why it did not load (the parser's message: file, key, what is wrong)
  std::optional<unsigned> mode;  // permission bits of the file, if it could be stat()ed
};

// A directory the daemon writes into (or a file's directory).
struct path_facts {
  std::string role;  // the config key: "device.recording_dir", "dock.spool_dir", ...
  std::string path;
  bool exists = false;
  bool is_directory = false;
  bool writable = false;  // existing: writable by this user; missing: creatable by this user
  std::string blocker;    // why not writable or not creatable, naming the path that stops it
};

struct key_facts {
  std::string role;  // "device key", "dock key"
  std::string path;
  bool exists = false;
  std::optional<unsigned> mode;
  std::string load_error;  // "" when the key loaded
  std::string label;
  std::optional<common::crypto::public_key> public_key;
};

// One place where the key's public half is enrolled: the .pub written beside the key, or a store's keys/.
struct enrollment_facts {
  std::string source;     // "the public key file beside it", "the store /srv/bodycam/store"
  std::string where;      // the file looked at
  bool expected = false;  // the key should be enrolled here (a store the device uses): absence is a warning
  bool found = false;
  std::string error;  // found but unreadable
  std::string label;
  std::optional<common::crypto::public_key> key;
};

// A trust directory of <label>.pub files (common/link/key_directory).
struct peer_entry {
  std::string label;
  common::crypto::public_key key{};
  std::optional<common::crypto::public_key> store_key;  // keys/<label>.pub in the store, if present
};
struct peers_facts {
  std::string role;  // "dock.trusted_cameras_dir", "offload.trusted_docks_dir"
  std::string dir;
  bool loaded = false;
  std::string error;
  std::vector<peer_entry> peers;
  bool store_checked = false;  // store_key was looked up for every entry
};

enum class write_once_probe {
  not_tried,    // nothing stored yet to try it on
  refused,      // create of an existing key answered already_exists and the bytes did not change
  overwritten,  // the bytes of the existing key changed
  accepted,     // create of an existing key answered created
  failed,       // the probe could not run (detail says why)
};

struct store_facts {
  std::string root;
  bool exists = false;
  bool opened = false;
  std::string open_error;
  std::optional<std::uint64_t> available_bytes;
  std::size_t files_checked = 0;
  std::size_t writable_files = 0;   // stored files with any write permission bit
  std::string first_writable_file;  // one of them, for the message
  std::optional<unsigned> first_writable_mode;
  std::vector<std::string> unwritable_folders;  // folders the dock adds to that this user cannot write
  bool scan_truncated = false;                  // the permission scan stopped at its limit
  write_once_probe probe = write_once_probe::not_tried;
  std::string probe_key;
  std::string probe_detail;
};

// The host clock of a dock (it cosigns camera checkpoints with it).
struct host_clock_facts {
  common::record::utc_time now{};
  common::record::utc_time build_date{};
  std::optional<bool> synchronized;          // the kernel's NTP state; absent if it could not be read
  std::optional<std::int64_t> max_error_us;  // the kernel's bound on the clock error
};

struct camera_facts {
  config_facts config;
  std::string device_id;
  std::string sysfs_root;     // checks.sysfs_root
  std::string recording_dir;  // device.recording_dir
  std::string ledger_path;    // device.ledger
  std::string video_device;   // the camera node looked at ("" for synthetic and file sources)
  std::string microphone_node;
  key_facts key;
  std::vector<enrollment_facts> enrollment;
  std::vector<path_facts> paths;
  firmware::session::precheck_readings readings;
  firmware::session::precheck_thresholds thresholds;
  bool ledger_present = false;
  bool offload_enabled = false;
  peers_facts docks;
};

struct dock_facts {
  config_facts config;
  std::string dock_id;
  key_facts key;
  std::vector<enrollment_facts> enrollment;
  std::vector<path_facts> paths;
  store_facts store;
  std::size_t configured_cameras = 0;
  peers_facts cameras;
  host_clock_facts clock;
  firmware::session::precheck_thresholds shift;  // planned shift, bit rate per camera × cameras, no reserve
};

}  // namespace bodycam::tools::doctor
