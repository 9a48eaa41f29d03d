#include "firmware/recorder/precheck_probe.hpp"

#include "firmware/records/ledger_readings.hpp"

#include "firmware/session/power_supply_reader.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bodycam::firmware::recorder {

using namespace bodycam::common;

namespace {

session::presence node_presence(const std::string& node, const std::string& what) {
  struct stat st {};
  if (::stat(node.c_str(), &st) != 0) return {false, what + " " + node + ": " + std::strerror(errno)};
  return {true, what + " " + node};
}

}  // namespace

probe_settings probe_settings_from(const config::recorder_config& c, record::utc_time build_date) {
  probe_settings p;
  p.sysfs_root = c.checks.sysfs_root;
  p.recording_dir = c.device.recording_dir;
  p.key_file = c.device.key_file;
  p.build_date = build_date;
  switch (c.source.kind) {
    case media::camera_source_kind::synthetic:
      p.camera = {true, "synthetic " + c.source.synthetic_pattern};
      p.microphone = {true, c.source.synthetic_audio_file.empty() ? "synthetic tone"
                                                                  : "synthetic " + c.source.synthetic_audio_file};
      break;
    case media::camera_source_kind::file:
      p.camera_node = c.source.file_path;
      p.camera = {true, "file"};
      p.microphone = {true, "file " + c.source.file_path};
      break;
    case media::camera_source_kind::v4l2:
      p.camera_node = c.source.video_device;
      p.camera = {true, "camera"};
      p.microphone_node = c.checks.microphone_node.empty() ? "/dev/snd" : c.checks.microphone_node;
      p.microphone = {true, "microphone"};
      break;
  }
  if (!c.checks.microphone_node.empty()) {
    p.microphone_node = c.checks.microphone_node;
    p.microphone = {true, "microphone"};
  }
  return p;
}

session::storage_reading read_storage(const std::string& dir) {
  session::storage_reading s;
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) {
    s.problem = "statvfs " + dir + ": " + std::strerror(errno);
    return s;
  }
  s.free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  return s;
}

session::precheck_readings take_readings(const probe_settings& settings, records::chain_writer& writer,
                                         const crypto::public_key& device_key) {
  session::precheck_readings r;
  r.battery = session::read_battery(settings.sysfs_root);
  r.storage = read_storage(settings.recording_dir);
  r.clock.now = writer.clock().utc().time;
  r.clock.build_date = settings.build_date;
  r.camera = settings.camera_node.empty() ? settings.camera : node_presence(settings.camera_node, settings.camera.detail);
  r.microphone = settings.microphone_node.empty() ? settings.microphone
                                                  : node_presence(settings.microphone_node, settings.microphone.detail);
  r.device_key = ::access(settings.key_file.c_str(), R_OK) == 0
                     ? session::presence{true, settings.key_file}
                     : session::presence{false, settings.key_file + ": " + std::strerror(errno)};
  auto scanned = writer.with_ledger([&](ledger::ledger& l) -> core::status {
    records::read_ledger_readings(l, &device_key, r);
    return {};
  });
  if (!scanned) r.chain_head = {false, "ledger: " + scanned.error().context};
  return r;
}

session::precheck_thresholds thresholds_from(const config::recorder_config& c) {
  session::precheck_thresholds t;
  t.planned_shift = c.checks.planned_shift;
  t.battery_drain_percent_per_hour = c.checks.battery_drain_percent_per_hour;
  t.battery_reserve_percent = c.checks.battery_reserve_percent;
  t.recording_bits_per_second = static_cast<std::uint64_t>(c.encoder.video_bit_rate + c.encoder.audio_bit_rate);
  t.storage_reserve_bytes = static_cast<std::uint64_t>(c.checks.storage_reserve_mb) << 20;
  t.max_sync_age = c.checks.max_sync_age;
  t.max_sync_offset = std::chrono::milliseconds(c.checks.max_sync_offset_ms);
  return t;
}

}  // namespace bodycam::firmware::recorder
