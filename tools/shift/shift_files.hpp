// Where a simulated shift keeps everything under its --out directory, and the files it writes before any
// process starts: device and dock keys, each camera's configuration, a fake battery in a sysfs-shaped tree,
// and the officers' spoken statements (espeak-ng speech padded with silence, played as each camera's
// microphone for its statements).
//
//   <out>/store/          the evidence store (what the dock fills; DESIGN.md §7)
//   <out>/reports/        audit and verification reports
//   <out>/keys/           <id>.key (0600) and <id>.pub for every camera, the dock, the demo clerk and
//                         supervisor; agency-root.sealed (0600) and .pub; agency-passphrase (0600, demo only)
//   <out>/cameras/<id>/   recorder.toml, ledger.db, segments/, control.sock, sysfs/, feedback.log, statement.wav
//   <out>/dock/           dockd.toml, state.db, quarantine/, trusted-cameras/
//   <out>/logs/           one log per process run
#pragma once

#include "common/core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace bodycam::tools::shift {

struct shift_layout {
  std::filesystem::path out;

  [[nodiscard]] std::filesystem::path store() const { return out / "store"; }
  [[nodiscard]] std::filesystem::path reports() const { return out / "reports"; }
  [[nodiscard]] std::filesystem::path keys() const { return out / "keys"; }
  [[nodiscard]] std::filesystem::path logs() const { return out / "logs"; }
  [[nodiscard]] std::filesystem::path dock() const { return out / "dock"; }
  [[nodiscard]] std::filesystem::path camera(const std::string& id) const { return out / "cameras" / id; }
  [[nodiscard]] std::filesystem::path control_socket(const std::string& id) const {
    return camera(id) / "control.sock";
  }
  [[nodiscard]] std::filesystem::path battery_dir(const std::string& id) const {
    return camera(id) / "sysfs" / "class" / "power_supply" / "BAT0";
  }
};

// A TOML basic string holding `s` exactly: quotes and backslashes escaped, control characters as \uXXXX
// (a folder name may hold anything but NUL and '/').
[[nodiscard]] std::string toml_quoted(const std::string& s);

// "cam-0001" … for camera index 0 …; the dock is "dock-0001".
[[nodiscard]] std::string camera_id(std::uint32_t index);
inline constexpr const char* dock_id = "dock-0001";
inline constexpr const char* demo_clerk_id = "clerk-demo";
inline constexpr const char* demo_supervisor_id = "supervisor-demo";
inline constexpr const char* demo_unit = "demo-station";

// What differs between the cameras of one shift.
struct camera_settings {
  std::string id;
  std::string officer_id;
  std::uint16_t offload_port = 0;  // where the camera's offload service listens when docked (127.0.0.1)
  int battery_percent = 95;
  std::uint16_t gpsd_port = 0;  // 0: no GNSS; else [place] reads gpsd on 127.0.0.1:gpsd_port (shift_track.hpp)
};

// What every simulated camera records. The defaults are a real body camera's: 1280×720 at 30 fps, 60-s
// segments, a keyframe (and so a fragment) every second; tests pass smaller frames and shorter segments.
struct video_settings {
  std::uint32_t width = 1280;
  std::uint32_t height = 720;
  std::uint32_t fps = 30;
  std::uint32_t bitrate_kbps = 2500;
  std::uint32_t segment_seconds = 60;
};

// errc::invalid_argument naming the option when a value is outside what the recorder accepts.
[[nodiscard]] common::core::status validate_video(const video_settings& video);

// The recorder's TOML for one simulated camera: synthetic source (a different test pattern per camera) at
// `video`'s size, the statement file as the microphone for statements, the fake sysfs tree, a feedback log
// (pure). Every path in it is absolute: `layout.out` must be absolute (run_shift makes it so).
[[nodiscard]] std::string recorder_config_text(const shift_layout& layout, const camera_settings& camera,
                                               std::uint32_t index, const video_settings& video);

// Writes <battery_dir>/{type,status,capacity,voltage_now} durably (the camera reads it at each poll).
[[nodiscard]] common::core::status write_battery(const shift_layout& layout, const std::string& camera,
                                                 int percent);

// Speaks `text` with espeak-ng into `wav`, padded with 0.5 s of silence before and 3 s after (sox), so the
// statement ends early on trailing silence as a real one does. Errors name the program and its log.
[[nodiscard]] common::core::status speak_statement(const std::string& text, const std::filesystem::path& wav,
                                                   const std::filesystem::path& log);

}  // namespace bodycam::tools::shift
