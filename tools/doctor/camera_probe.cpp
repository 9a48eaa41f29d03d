#include "tools/doctor/camera_probe.hpp"

#include "common/ledger/ledger.hpp"
#include "common/record/record.hpp"
#include "common/store/directory_backend.hpp"
#include "firmware/config/config_loader.hpp"
#include "firmware/records/ledger_readings.hpp"
#include "firmware/session/power_supply_reader.hpp"
#include "tools/doctor/file_probe.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

namespace bodycam::tools::doctor {

namespace fs = std::filesystem;
using namespace bodycam::common;
namespace session = firmware::session;
namespace config = firmware::config;
namespace records = firmware::records;

namespace {

session::presence node_presence(const std::string& node, const std::string& what) {
  struct stat st {};
  if (::stat(node.c_str(), &st) != 0) return {false, what + " " + node + ": " + std::strerror(errno)};
  return {true, what + " " + node};
}

// The same readings the recorder takes before a shift (firmware/recorder/precheck_probe), read-only.
void read_devices(const config::recorder_config& c, camera_facts& f) {
  auto& r = f.readings;
  switch (c.source.kind) {
    case firmware::media::camera_source_kind::synthetic:
      r.camera = {true, "synthetic " + c.source.synthetic_pattern};
      r.microphone = {true, "synthetic audio"};
      break;
    case firmware::media::camera_source_kind::file:
      f.video_device = c.source.file_path;
      r.camera = node_presence(c.source.file_path, "file");
      r.microphone = {true, "file " + c.source.file_path};
      break;
    case firmware::media::camera_source_kind::v4l2:
      f.video_device = c.source.video_device;
      r.camera = node_presence(c.source.video_device, "camera");
      f.microphone_node = c.checks.microphone_node.empty() ? "/dev/snd" : c.checks.microphone_node;
      break;
  }
  if (!c.checks.microphone_node.empty()) f.microphone_node = c.checks.microphone_node;
  if (!f.microphone_node.empty()) r.microphone = node_presence(f.microphone_node, "microphone");
}

// Free space where the recording directory is, or will be once the recorder makes it.
void read_storage(const std::string& dir, session::storage_reading& s) {
  fs::path at = dir;
  std::error_code ec;
  while (!fs::exists(at, ec) && at.has_parent_path() && at != at.parent_path()) at = at.parent_path();
  struct statvfs vfs {};
  if (::statvfs(at.c_str(), &vfs) != 0) {
    s.problem = "statvfs " + at.string() + ": " + std::strerror(errno);
    return;
  }
  s.free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

void read_ledger(const std::string& path, camera_facts& f) {
  auto& r = f.readings;
  std::error_code ec;
  if (!fs::exists(path, ec)) return;
  f.ledger_present = true;
  ledger::open_options options;
  options.read_only = true;
  auto l = ledger::open(path, options);
  if (!l) {
    r.chain_head = {false, l.error().context};
    return;
  }
  records::read_ledger_readings(*l, f.key.public_key ? &*f.key.public_key : nullptr, r);
}

session::precheck_thresholds thresholds_from(const config::recorder_config& c) {
  session::precheck_thresholds t;
  t.planned_shift = c.checks.planned_shift;
  t.battery_drain_percent_per_hour = c.checks.battery_drain_percent_per_hour;
  t.battery_reserve_percent = c.checks.battery_reserve_percent;
  t.recording_bits_per_second =
      static_cast<std::uint64_t>(c.encoder.video_bit_rate + c.encoder.audio_bit_rate);
  t.storage_reserve_bytes = static_cast<std::uint64_t>(c.checks.storage_reserve_mb) << 20;
  t.max_sync_age = c.checks.max_sync_age;
  t.max_sync_offset = std::chrono::milliseconds(c.checks.max_sync_offset_ms);
  return t;
}

}  // namespace

camera_facts gather_camera_facts(const camera_request& request, const probe_time& time) {
  camera_facts f;
  f.config.path = request.config.string();
  f.config.mode = file_mode(request.config);
  auto loaded = config::load_recorder_config(request.config);
  if (!loaded) {
    f.config.error = loaded.error().context;
    return f;
  }
  f.config.loaded = true;
  const config::recorder_config& c = *loaded;
  f.device_id = c.device.id.str();
  f.sysfs_root = c.checks.sysfs_root;
  f.recording_dir = c.device.recording_dir;
  f.ledger_path = c.device.ledger;

  f.key = probe_key("device key", c.device.key_file);
  f.enrollment.push_back(
      probe_public_key_file("the public key file beside it", fs::path(c.device.key_file).replace_extension(".pub")));
  if (request.store) {
    auto s = store::open_directory_store(*request.store, false);
    if (s)
      f.enrollment.push_back(probe_store_key(*s, request.store->string(), f.device_id));
    else
      f.enrollment.push_back({"the store " + request.store->string(),
                              request.store->string(),
                              true,
                              true,
                              s.error().context,
                              {},
                              std::nullopt});
  }

  f.paths.push_back(probe_directory("device.recording_dir", c.device.recording_dir));
  f.paths.push_back(probe_directory("the directory of device.ledger", fs::path(c.device.ledger).parent_path()));
  f.paths.push_back(
      probe_directory("the directory of control.socket_path", fs::path(c.control.socket_path).parent_path()));
  if (!c.feedback.log_file.empty())
    f.paths.push_back(
        probe_directory("the directory of feedback.log_file", fs::path(c.feedback.log_file).parent_path()));

  f.thresholds = thresholds_from(c);
  f.readings.battery = session::read_battery(c.checks.sysfs_root);
  read_storage(c.device.recording_dir, f.readings.storage);
  f.readings.clock.now = time.now;
  f.readings.clock.build_date = time.build_date;
  read_devices(c, f);
  f.readings.device_key = {f.key.exists, c.device.key_file};
  f.readings.chain_head = {true, "no ledger"};
  read_ledger(c.device.ledger, f);

  f.offload_enabled = c.offload.enabled;
  if (c.offload.enabled) f.docks = probe_peers("offload.trusted_docks_dir", c.offload.trusted_docks_dir, nullptr);
  return f;
}

}  // namespace bodycam::tools::doctor
