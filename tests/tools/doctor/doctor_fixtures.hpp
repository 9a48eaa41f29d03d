// Fixtures for `bodycam doctor`: a good camera and a good dock built on disk in a temp directory (key pairs
// from fixed seeds, a ledger with a recent timesync, a fake sysfs battery and device nodes, a directory store
// with enrolled keys and one object, trust directories, the TOML configs). Each broken-fixture test changes
// one thing and is named for what it breaks.
#pragma once

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/doctor/camera_probe.hpp"
#include "tools/doctor/dock_probe.hpp"
#include "tools/doctor/finding.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bodycam::tests::doctor_fixtures {

namespace doctor = bodycam::tools::doctor;

// A TOML file as ordered sections of `key = value` lines; set() replaces or adds, erase() removes.
class toml_text {
 public:
  void set(const std::string& section, const std::string& key, const std::string& value);
  void erase(const std::string& section, const std::string& key);
  [[nodiscard]] std::string str() const;

 private:
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> sections_;
};

[[nodiscard]] std::string quoted(const std::string& text);

// 2026-11-20T00:00:00Z: when the fixtures' camera last synced with a dock.
[[nodiscard]] common::record::utc_time synced_at();
// A build date for the clock rules: 2026-01-01.
[[nodiscard]] common::record::utc_time build_date();

struct camera_fixture {
  temp_dir dir{"bodycam-doctor-camera"};
  toml_text config;
  doctor::probe_time time;

  // The good camera; its ledger's last timesync is at `synced`, and `time` an hour later.
  explicit camera_fixture(common::record::utc_time synced = synced_at());
  [[nodiscard]] std::string config_path() const { return (dir / "recorder.toml").string(); }
  void write_config() const;
  void set_battery(const std::string& capacity, const std::string& status) const;
  [[nodiscard]] std::vector<doctor::finding> run(std::optional<std::string> store = std::nullopt) const;
};

struct dock_fixture {
  temp_dir dir{"bodycam-doctor-dock"};
  toml_text config;
  doctor::probe_time time{synced_at(), build_date()};

  dock_fixture();  // the good dock
  [[nodiscard]] std::string config_path() const { return (dir / "dockd.toml").string(); }
  [[nodiscard]] std::string store_dir() const { return (dir / "store").string(); }
  void write_config() const;
  // Facts as probed, with the host clock replaced by a synchronized one unless `keep_host_clock`: the host's
  // NTP state is the machine's, not the fixture's (its own rules are tested on facts).
  [[nodiscard]] doctor::dock_facts facts(bool keep_host_clock = false) const;
  [[nodiscard]] std::vector<doctor::finding> run() const;
};

// The findings of one check at one severity.
[[nodiscard]] std::vector<doctor::finding> having(const std::vector<doctor::finding>& all, const std::string& check,
                                                  doctor::severity level);
// Every finding that is not ok, one per line, for failure messages.
[[nodiscard]] std::string not_ok(const std::vector<doctor::finding>& all);
// Requires exactly one finding of `check` at `level`, with a fix unless ok, and returns it.
doctor::finding the_one(const std::vector<doctor::finding>& all, const std::string& check, doctor::severity level);

}  // namespace bodycam::tests::doctor_fixtures
