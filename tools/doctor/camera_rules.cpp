#include "tools/doctor/camera_rules.hpp"

#include "tools/doctor/shared_rules.hpp"

namespace bodycam::tools::doctor {

namespace {

using common::record::check_status;

struct precheck_advice {
  std::string_view check;
  std::string_view fix;
};

// The fix for each pre-shift item that is not ok; device_key is left to check_key, which says more.
constexpr precheck_advice advice[] = {
    {"battery",
     "charge the camera before the shift (at or below the reserve it refuses to record); if no battery "
     "is found, check checks.sysfs_root"},
    {"storage",
     "dock the camera so footage the store has receipted can be reclaimed, or shorten "
     "checks.planned_shift_minutes to what fits"},
    {"clock",
     "dock the camera: the dock sets its clock and cosigns the time (footage until then is marked "
     "unsynced)"},
    {"camera", "connect the camera sensor, or correct source.video_device"},
    {"microphone", "connect the microphone, or correct checks.microphone_node"},
    {"chain_head",
     "do not record with this ledger: keep it as it is and have it examined with `bodycam verify "
     "LEDGER`; if the device key was replaced, put the enrolled key back"},
};

std::string where_of(const camera_facts& f, std::string_view check) {
  if (check == "battery") return f.sysfs_root;
  if (check == "storage") return f.recording_dir;
  if (check == "camera") return f.video_device;
  if (check == "microphone") return f.microphone_node;
  if (check == "chain_head") return f.ledger_path;
  return {};
}

severity severity_of(check_status status) {
  switch (status) {
    case check_status::ok: return severity::ok;
    case check_status::warn: return severity::warning;
    case check_status::fail: return severity::problem;
  }
  return severity::problem;
}

}  // namespace

std::vector<finding> evaluate_camera(const camera_facts& f) {
  findings out;
  if (!check_config(f.config, "bodycam-recorder", out)) return out;
  check_key(f.key, f.device_id, "bodycam keygen --id " + f.device_id + " --out DIR", out);
  check_enrollment(
      f.key, f.enrollment,
      "on the dock: bodycam enroll camera --key " + f.device_id + ".pub --trusted-cameras-dir DIR --store STORE", out);
  check_paths(f.paths, "the recorder's user", out);

  const auto precheck = firmware::session::evaluate_precheck(f.readings, f.thresholds);
  for (const auto& item : precheck.items) {
    if (item.check == "device_key") continue;
    if (item.check == "chain_head" && !f.ledger_present) {
      out.push_back(
          {severity::ok, "chain_head", "no ledger yet: the recorder makes one at its first start", f.ledger_path, {}});
      continue;
    }
    finding one{severity_of(item.status), item.check, item.detail, where_of(f, item.check), {}};
    if (one.level != severity::ok)
      for (const auto& a : advice)
        if (a.check == item.check) one.fix = std::string(a.fix);
    if (one.level != severity::ok && one.fix.empty()) one.fix = "see docs/operations.md";
    out.push_back(std::move(one));
  }

  if (f.offload_enabled)
    check_peers(f.docks, true, "the camera will refuse every dock, so footage never leaves it",
                "bodycam enroll dock --key DOCK.pub --trusted-docks-dir " + f.docks.dir, out);
  else
    out.push_back({severity::warning, "peers",
                   "offload is off ([offload] enabled = false): no dock can take the footage off this camera",
                   f.config.path, "set [offload] enabled = true and enroll the agency's docks (bodycam enroll dock)"});
  return out;
}

}  // namespace bodycam::tools::doctor
