// The recorder's configuration as plain values: what `bodycam-recorder --config FILE` reads at start.
// Every member carries its documented default, so a config file states only what differs; the only key with
// no default is device.id. A recorder_config returned by parse_recorder_config has passed every range and
// cross-field check listed in firmware/config/README.md, so the daemon can use it without checking again.
// Paths are strings (this header is part of the pure core); relative paths were already resolved against
// the config file's directory by the loader.
// To add a section: add its struct here with defaults, a member in recorder_config, and one row in the
// section table in config_sections.cpp.
#pragma once

#include "common/record/ids.hpp"
#include "firmware/media/camera_source.hpp"
#include "firmware/media/pipeline_config.hpp"
#include "firmware/place/place_settings.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::firmware::config {

// [device]: who this camera is and where its state lives.
struct device_config {
  common::record::device_id id;                          // required; 1-64 of [A-Za-z0-9._-], not starting with '.'
  std::string officer_id;                                // "" = not assigned; else same charset as the device id
  std::string key_file = "/var/lib/bodycam/device.key";  // Ed25519 device key (mode 0600)
  std::string ledger = "/var/lib/bodycam/ledger.db";     // SQLite ledger
  std::string recording_dir = "/var/lib/bodycam/segments";
};

// [source], [encoder], [osd], [segment], [pre_event] and [queues] are the media pipeline's own settings
// (firmware/media/camera_source.hpp, firmware/media/pipeline_config.hpp): one definition, defaults and limits
// there, read here key by key within those limits and checked with media::validate.

// [control]: the local control socket (firmware/control).
struct control_config {
  std::string socket_path = "/run/bodycam/recorder.sock";
  int max_clients = 8;                     // 1-64
  int max_line_bytes = 4096;               // 256-65536, one request line without its '\n'
  std::chrono::seconds idle_timeout{300};  // 1-86400: a connection silent this long is closed
};

// [checks]: pre-shift checks and the thresholds watched while recording (firmware/session/precheck.hpp).
struct checks_config {
  std::string sysfs_root = "/sys";         // power_supply is read under <root>/class/power_supply
  std::chrono::minutes planned_shift{600};  // 1-1440
  int battery_drain_percent_per_hour = 8;   // 1-100, measured on the device model
  int battery_reserve_percent = 10;         // 1-50: the GA/T 947 low-battery reserve (5-30 min of recording)
  int storage_reserve_mb = 512;             // 0-1048576
  std::chrono::hours max_sync_age{24};      // 1-8760
  int max_sync_offset_ms = 2000;            // 1-3600000
  std::string microphone_node;              // "" = derived from source (ALSA: /dev/snd)
  std::chrono::seconds poll_interval{5};    // 1-600: how often battery and storage are read while recording
  // 0-14400: a start this soon after an automatic stop (low battery, storage full, fault) resumes the same
  // session with a resume statement; 0 = every start opens a new session.
  std::chrono::seconds resume_window{1800};
};

enum class annotation_source_kind { alsa, file, none };
[[nodiscard]] std::string_view to_string(annotation_source_kind kind) noexcept;

// [annotation]: the officer's start, stop and resume statements (firmware/session/statement_capture.hpp).
struct annotation_config {
  annotation_source_kind kind = annotation_source_kind::alsa;
  std::string device = "default";           // alsa: ALSA device name
  std::string file_path;                    // file: a recording played as the microphone (tests, simulator)
  std::chrono::seconds max_duration{20};    // 1-120
  int trailing_silence_ms = 1500;           // 200-10000: ends the statement early once speech was heard
};

// [feedback]: prompts and alarms (firmware/session/feedback_port.hpp).
struct feedback_config {
  std::string log_file;        // "" = off: one line per signal (simulator, tests)
  std::string leds_dir;        // "" = off: a sysfs leds class directory, e.g. /sys/class/leds
  std::string alarm_led = "bodycam:red";
  std::string prompt_led = "bodycam:green";
  std::string alsa_device;  // "" = off: tones through this ALSA PCM ("default", "hw:0")
  std::string prompt_file;  // "" = the prompt tones: a WAV file (at most 1 s) played for `prompt` instead
};

// [buttons]: the record button through Linux evdev.
struct buttons_config {
  std::string device;    // "" = off; e.g. /dev/input/event0
  int record_key = 167;  // 1-767: KEY_RECORD
  int mark_key = 0;      // 0 = none, else 1-767: the key that marks an important moment
  int photo_key = 0;     // 0 = none, else 1-767: the key that takes a photo of the live video
};

// [session]: what officers may record about a session (firmware/session/session_roster.hpp).
struct session_config {
  // The action types an officer may choose (`action` records); 1-32 distinct names of the device-id rule.
  std::vector<std::string> actions{"inspection", "on_site_penalty", "seizure", "enforcement", "inquiry", "other"};
};

// [offload]: the service docks connect to when the camera is docked (firmware/offload).
struct offload_config {
  bool enabled = false;
  std::string listen_address = "0.0.0.0";  // an IPv4/IPv6 literal; 127.0.0.1 in tests and the simulator
  int listen_port = 7400;                  // 1-65535
  std::string trusted_docks_dir = "/var/lib/bodycam/docks";  // <dock-id>.pub of the agency's docks
  std::chrono::seconds timeout{30};        // 1-600: every link read and write
};

// [footage]: encryption of footage as written (docs/formats/encrypted-footage.md). Paths of public key files
// ("bodycam-footage-public-key-v1 <label> <hex>", made by `bodycam agency footage-key new`); the camera never
// holds a secret footage key. No public_key_file = footage is written in the clear (as before encryption
// existed); an escrow key needs the agency key.
struct footage_config {
  std::string public_key_file;
  std::string escrow_key_file;
  [[nodiscard]] bool is_encrypted() const noexcept { return !public_key_file.empty(); }
};

struct recorder_config {
  device_config device;
  footage_config footage;
  media::camera_source source;
  media::encoder_config encoder;  // encoder.video_encoder is the configured name, also under pass-through
  media::osd_config osd;
  media::segment_config segment;
  media::pre_event_config pre_event;
  // The daemon's queues: [queues] raw_video_frames 8, raw_audio_frames 64, encoded_packets 512.
  media::queue_config queues{.video_frames = 8, .audio_frames = 64, .video_packets = 512, .audio_packets = 512};
  control_config control;
  checks_config checks;
  annotation_config annotation;
  feedback_config feedback;
  buttons_config buttons;
  offload_config offload;
  session_config session;
  // [place]: the GNSS position (firmware/place/place_settings.hpp: one definition, defaults and limits there).
  place::place_settings place;
};

// The media pipeline's settings this configuration means (the source's inputs, "copy" under pass-through,
// the recording directory and identities).
[[nodiscard]] media::pipeline_config pipeline_settings(const recorder_config& config);

}  // namespace bodycam::firmware::config
