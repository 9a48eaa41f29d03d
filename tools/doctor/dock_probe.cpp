#include "tools/doctor/dock_probe.hpp"

#include "ingest/dockd/dockd_config.hpp"
#include "tools/doctor/file_probe.hpp"

namespace bodycam::tools::doctor {

namespace fs = std::filesystem;

dock_facts gather_dock_facts(const dock_request& request, const probe_time& time) {
  dock_facts f;
  f.config.path = request.config.string();
  f.config.mode = file_mode(request.config);
  auto loaded = ingest::dockd::load_dockd_config(request.config.string());
  if (!loaded) {
    f.config.error = loaded.error().context;
    return f;
  }
  f.config.loaded = true;
  const auto& c = *loaded;
  f.dock_id = c.dock_id;
  f.configured_cameras = c.cameras.size();

  f.key = probe_key("dock key", c.key_file);
  f.enrollment.push_back(
      probe_public_key_file("the public key file beside it", fs::path(c.key_file).replace_extension(".pub")));

  f.paths.push_back(probe_directory("the directory of dock.state_db", fs::path(c.state_db).parent_path()));
  f.paths.push_back(probe_directory("dock.spool_dir", c.spool_dir));
  f.paths.push_back(probe_directory("dock.quarantine_dir", c.quarantine_dir));

  auto store = probe_store(c.store_dir);
  f.store = std::move(store.facts);
  if (store.store) f.enrollment.push_back(probe_store_key(*store.store, f.store.root, f.dock_id));
  f.cameras = probe_peers("dock.trusted_cameras_dir", c.trusted_cameras_dir, store.store.get());

  f.shift.planned_shift = request.shift;
  f.shift.recording_bits_per_second =
      static_cast<std::uint64_t>(request.camera_bitrate_kbps) * 1000 * std::max<std::size_t>(1, f.configured_cameras);
  f.shift.storage_reserve_bytes = 0;
  f.clock = probe_host_clock(time.now, time.build_date);
  return f;
}

}  // namespace bodycam::tools::doctor
