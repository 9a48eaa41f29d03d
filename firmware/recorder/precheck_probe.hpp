// Takes the readings the pre-shift checks need from the camera (adapter side of firmware/session/precheck):
// the battery from sysfs, free space by statvfs on the recording volume plus the bytes of ledger files in
// state `stored` (a receipt covers them: the only reclaimable space), the clock and the last `timesync`
// record, the camera and microphone nodes, the device key file, and the chain head (the newest record
// parses and its signature verifies with the device's public key).
#pragma once

#include "common/crypto/ed25519.hpp"
#include "firmware/config/recorder_config.hpp"
#include "firmware/records/chain_writer.hpp"
#include "firmware/session/precheck.hpp"

namespace bodycam::firmware::recorder {

struct probe_settings {
  std::string sysfs_root = "/sys";
  std::string recording_dir;
  std::string key_file;
  session::presence camera;      // filled from the source configuration: what to look for
  std::string camera_node;       // "" = nothing to stat (synthetic, file)
  session::presence microphone;
  std::string microphone_node;   // "" = nothing to stat
  common::record::utc_time build_date{};
};

[[nodiscard]] probe_settings probe_settings_from(const config::recorder_config& c, common::record::utc_time build_date);

// Free bytes on the file system holding `dir`, or the statvfs error.
[[nodiscard]] session::storage_reading read_storage(const std::string& dir);

[[nodiscard]] session::precheck_readings take_readings(const probe_settings& settings, records::chain_writer& writer,
                                                       const common::crypto::public_key& device_key);

[[nodiscard]] session::precheck_thresholds thresholds_from(const config::recorder_config& c);

}  // namespace bodycam::firmware::recorder
