#include "tools/doctor/dock_rules.hpp"

#include "tools/doctor/shared_rules.hpp"

#include <chrono>

namespace bodycam::tools::doctor {

namespace {

using common::record::check_status;

void check_free_space(const dock_facts& f, findings& out) {
  if (!f.store.opened) return;
  if (!f.store.available_bytes) {
    out.push_back({severity::warning, "storage", "the store does not say how much space is free", f.store.root,
                   "watch the store's capacity on the storage engine itself"});
    return;
  }
  firmware::session::precheck_readings readings;
  readings.storage.free_bytes = f.store.available_bytes;
  const auto precheck = firmware::session::evaluate_precheck(readings, f.shift);
  for (const auto& item : precheck.items) {
    if (item.check != "storage") continue;
    const std::string shift = " (a shift of " + std::to_string(f.configured_cameras) + " camera(s))";
    if (item.status == check_status::ok)
      out.push_back({severity::ok, "storage", "store space: " + item.detail + shift, f.store.root, {}});
    else
      out.push_back({item.status == check_status::fail ? severity::problem : severity::warning, "storage",
                     "store space: " + item.detail + shift, f.store.root,
                     "add capacity to the store's disk before the cameras dock; never delete from the store"});
  }
}

void check_clock(const host_clock_facts& c, findings& out) {
  if (c.now < c.build_date) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(c.now.time_since_epoch()).count();
    out.push_back({severity::problem,
                   "clock",
                   "the dock's clock is unset (" + std::to_string(seconds) +
                       " s since 1970, before this software was built): it would cosign wrong times onto cameras",
                   {},
                   "set the time and enable NTP (timedatectl set-ntp true), then check again"});
    return;
  }
  if (!c.synchronized) {
    out.push_back({severity::warning,
                   "clock",
                   "could not read whether the clock is synchronized",
                   {},
                   "check with timedatectl that NTP is active"});
    return;
  }
  if (!*c.synchronized) {
    out.push_back({severity::warning,
                   "clock",
                   "the dock's clock is set but not synchronized (NTP): the times it cosigns may drift",
                   {},
                   "enable NTP (timedatectl set-ntp true) and make sure the dock reaches a time server"});
    return;
  }
  std::string detail = "the dock's clock is synchronized";
  if (c.max_error_us) detail += " (error bound " + std::to_string(*c.max_error_us / 1000) + " ms)";
  out.push_back({severity::ok, "clock", detail, {}, {}});
}

}  // namespace

std::vector<finding> evaluate_dock(const dock_facts& f) {
  findings out;
  if (!check_config(f.config, "bodycam-dockd", out)) return out;
  check_key(f.key, f.dock_id, "bodycam keygen --id " + f.dock_id + " --out DIR", out);
  check_enrollment(f.key, f.enrollment,
                   "bodycam enroll dock --key " + f.dock_id + ".pub --store " + f.store.root +
                       " (and --trusted-docks-dir on each camera)",
                   out);
  check_paths(f.paths, "the dock's user", out);
  check_store(f.store, out);
  check_free_space(f, out);
  check_clock(f.clock, out);
  check_peers(f.cameras, f.configured_cameras > 0,
              std::to_string(f.configured_cameras) +
                  " camera slot(s) are configured but no camera is enrolled: the dock refuses every camera",
              "bodycam enroll camera --key CAM.pub --trusted-cameras-dir " + f.cameras.dir + " --store " + f.store.root,
              out);
  return out;
}

}  // namespace bodycam::tools::doctor
