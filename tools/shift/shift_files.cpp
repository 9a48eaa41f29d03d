#include "tools/shift/shift_files.hpp"

#include "common/core/durable_file.hpp"
#include "tools/shift/child_process.hpp"
#include "tools/shift/shift_track.hpp"

#include <array>
#include <cstdio>

namespace bodycam::tools::shift {

namespace core = common::core;
namespace fs = std::filesystem;

namespace {

using core::text_bytes;

}  // namespace

std::string toml_quoted(const std::string& s) {
  std::string q = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      q += '\\';
      q += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04X", static_cast<unsigned>(static_cast<unsigned char>(c)));
      q += escape;
    } else {
      q += c;
    }
  }
  return q + "\"";
}

std::string camera_id(std::uint32_t index) {
  char text[16];
  std::snprintf(text, sizeof text, "cam-%04u", index + 1);
  return text;
}

core::status validate_video(const video_settings& video) {
  if (video.width < 160 || video.width > 3840 || video.width % 2 != 0 || video.height < 120 ||
      video.height > 2160 || video.height % 2 != 0)
    return core::fail(core::errc::invalid_argument,
                      "--resolution: width 160-3840 and height 120-2160, both even (e.g. 1280x720), got " +
                          std::to_string(video.width) + "x" + std::to_string(video.height));
  if (video.fps < 1 || video.fps > 60)
    return core::fail(core::errc::invalid_argument, "--fps: 1-60, got " + std::to_string(video.fps));
  if (video.segment_seconds < 2 || video.segment_seconds > 600)
    return core::fail(core::errc::invalid_argument,
                      "--segment-seconds: 2-600, got " + std::to_string(video.segment_seconds));
  return {};
}

std::string recorder_config_text(const shift_layout& layout, const camera_settings& camera, std::uint32_t index,
                                 const video_settings& video) {
  static constexpr std::array<const char*, 4> patterns{"testsrc2", "smptebars", "testsrc", "rgbtestsrc"};
  const fs::path dir = layout.camera(camera.id);
  const fs::path keys = layout.keys();
  std::string t;
  t += "# Written by `bodycam simulate` for simulated camera " + camera.id + ".\n\n";
  t += "[device]\nid = " + toml_quoted(camera.id) + "\nofficer_id = " + toml_quoted(camera.officer_id) + "\n";
  t += "key_file = " + toml_quoted((keys / (camera.id + ".key")).string()) + "\n";
  t += "ledger = " + toml_quoted((dir / "ledger.db").string()) + "\n";
  t += "recording_dir = " + toml_quoted((dir / "segments").string()) + "\n\n";
  t += "[source]\nkind = \"synthetic\"\nsynthetic_pattern = " + toml_quoted(patterns[index % patterns.size()]) + "\n\n";
  t += "[encoder]\nname = \"libx264\"\nwidth = " + std::to_string(video.width) +
       "\nheight = " + std::to_string(video.height) + "\nfps = " + std::to_string(video.fps) +
       "\nvideo_bitrate_kbps = " + std::to_string(video.bitrate_kbps) + "\naudio_bitrate_kbps = 32\ngop_seconds = 1\n\n";
  t += "[osd]\nenabled = true\n\n";
  t += "[segment]\nduration_seconds = " + std::to_string(video.segment_seconds) + "\n\n";
  t += "[pre_event]\nseconds = 5\n\n";
  t += "[control]\nsocket_path = " + toml_quoted(layout.control_socket(camera.id).string()) + "\n\n";
  t += "[checks]\nsysfs_root = " + toml_quoted((dir / "sysfs").string()) +
       "\nplanned_shift_minutes = 60\nbattery_reserve_percent = 10\nstorage_reserve_mb = 64\npoll_seconds = 1\n\n";
  t += "[annotation]\nkind = \"file\"\nfile_path = " + toml_quoted((dir / "statement.wav").string()) +
       "\nmax_seconds = 12\ntrailing_silence_ms = 1500\n\n";
  t += "[feedback]\nlog_file = " + toml_quoted((dir / "feedback.log").string()) + "\n\n";
  t += "[offload]\nenabled = true\nlisten_address = \"127.0.0.1\"\nlisten_port = " +
       std::to_string(camera.offload_port) + "\ntrusted_docks_dir = " + toml_quoted((dir / "trusted-docks").string()) +
       "\ntimeout_seconds = 30\n";
  if (camera.gpsd_port != 0) t += "\n" + place_config_text(camera.gpsd_port);
  return t;
}

core::status write_battery(const shift_layout& layout, const std::string& camera, int percent) {
  const fs::path dir = layout.battery_dir(camera);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return core::fail(core::errc::io, "create " + dir.string() + ": " + ec.message());
  const int microvolts = 3400000 + percent * 8000;  // a Li-ion cell between 3.4 and 4.2 V
  const std::array<std::pair<const char*, std::string>, 4> files{{{"type", "Battery\n"},
                                                                   {"status", "Discharging\n"},
                                                                   {"capacity", std::to_string(percent) + "\n"},
                                                                   {"voltage_now", std::to_string(microvolts) + "\n"}}};
  for (const auto& [name, text] : files)
    if (auto ok = core::write_file_durably(dir / name, text_bytes(text), {}); !ok) return ok;
  return {};
}

core::status speak_statement(const std::string& text, const fs::path& wav, const fs::path& log) {
  const fs::path raw = wav.string() + ".speech.wav";
  auto spoken = run_to_end({"espeak-ng", "-v", "en", "-s", "150", "-w", raw.string(), text}, log, std::chrono::seconds(60));
  if (!spoken) return core::fail(spoken.error().code, "espeak-ng (is it installed? scripts/install-deps): " + spoken.error().context);
  if (!spoken->is_success())
    return core::fail(core::errc::internal, "espeak-ng ended with " + spoken->describe() + "; see " + log.string());
  // Mono 16 kHz, 0.5 s of silence before the speech and 3 s after it.
  auto padded = run_to_end({"sox", raw.string(), "-r", "16000", "-c", "1", wav.string(), "pad", "0.5", "3"}, log,
                           std::chrono::seconds(60));
  if (!padded) return core::fail(padded.error().code, "sox (is it installed? scripts/install-deps): " + padded.error().context);
  if (!padded->is_success())
    return core::fail(core::errc::internal, "sox ended with " + padded->describe() + "; see " + log.string());
  std::error_code ec;
  fs::remove(raw, ec);
  return {};
}

}  // namespace bodycam::tools::shift
