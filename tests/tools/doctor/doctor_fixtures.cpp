#include "tests/tools/doctor/doctor_fixtures.hpp"

#include "common/chain/append.hpp"
#include "common/core/durable_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/crypto/sha256.hpp"
#include "common/ledger/ledger.hpp"
#include "common/store/directory_backend.hpp"
#include "tests/support/chain_scenario.hpp"
#include "tools/doctor/camera_rules.hpp"
#include "tools/doctor/dock_rules.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <catch2/catch.hpp>

namespace bodycam::tests::doctor_fixtures {

namespace fs = std::filesystem;
using namespace bodycam::common;

namespace {

// Fixture set-up must not half-succeed: a step that fails throws, and the test fails with the message.
template <class T>
void must(const T& result, const std::string& what) {
  if (!result) throw std::runtime_error("fixture: " + what + ": " + result.error().context);
}

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("fixture: write " + path.string());
}

record::utc_time at_seconds(std::int64_t s) { return record::utc_time(std::chrono::seconds(s)); }

// A ledger with one timesync record signed by fixed_key(key_seed), the dock's time being `synced`.
void write_ledger(const fs::path& path, std::uint8_t key_seed, record::utc_time synced) {
  fs::create_directories(path.parent_path());
  ledger::open_options options;
  options.create_if_missing = true;
  auto l = ledger::open(path, options);
  must(l, "create ledger " + path.string());
  crypto::software_signer signer(fixed_key(key_seed));
  auto appended = l->append_record([&](const ledger::chain_head& head) -> core::expected<ledger::new_record> {
    record::record draft;
    draft.device = record::device_id::parse("cam-1").value();
    draft.boot_counter = 1;
    draft.monotonic = std::chrono::seconds(5);
    draft.utc = {synced, record::utc_source::dock_sync, std::chrono::milliseconds(0), std::chrono::milliseconds(50)};
    draft.body = record::timesync_payload{
        "dock-1", fixed_key(200).public_key(), synced, std::chrono::milliseconds(3), 0, {}, {}};
    auto r = chain::append_to_chain(std::move(draft), {head.next_seq, head.last_hash}, signer);
    if (!r) return std::unexpected(r.error());
    return ledger::new_record{r->body.seq, static_cast<std::uint16_t>(record::record_kind::timesync), r->bytes};
  });
  must(appended, "append timesync to " + path.string());
}

}  // namespace

void toml_text::set(const std::string& section, const std::string& key, const std::string& value) {
  auto s = std::find_if(sections_.begin(), sections_.end(), [&](const auto& x) { return x.first == section; });
  if (s == sections_.end()) s = sections_.insert(sections_.end(), {section, {}});
  auto k = std::find_if(s->second.begin(), s->second.end(), [&](const auto& x) { return x.first == key; });
  if (k == s->second.end())
    s->second.emplace_back(key, value);
  else
    k->second = value;
}

void toml_text::erase(const std::string& section, const std::string& key) {
  for (auto& [name, keys] : sections_)
    if (name == section) std::erase_if(keys, [&](const auto& x) { return x.first == key; });
}

std::string toml_text::str() const {
  std::string out;
  for (const auto& [name, keys] : sections_) {
    out += (name.starts_with("[") ? name : "[" + name + "]") + "\n";
    for (const auto& [key, value] : keys) out += key + " = " + value + "\n";
    out += "\n";
  }
  return out;
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

record::utc_time synced_at() { return at_seconds(1'795'132'800); }   // 2026-11-20T00:00:00Z
record::utc_time build_date() { return at_seconds(1'767'225'600); }  // 2026-01-01T00:00:00Z

camera_fixture::camera_fixture(record::utc_time synced) {
  time = {synced + std::chrono::hours(1), build_date()};
  const fs::path root = dir.path();
  fs::create_directories(root / "keys");
  must(crypto::write_key_pair(root / "keys" / "cam-1", "cam-1", fixed_key(1)), "write the camera key");
  fs::create_directories(root / "docks");
  must(crypto::write_public_key(root / "docks" / "dock-1.pub", {"dock-1", fixed_key(200).public_key()}),
       "enroll dock-1 on the camera");
  write_ledger(root / "state" / "ledger.db", 1, synced);
  fs::create_directories(root / "segments");
  fs::create_directories(root / "run");
  write_text(root / "dev" / "video0", "");
  write_text(root / "dev" / "snd", "");
  write_text(root / "sys" / "class" / "power_supply" / "BAT0" / "type", "Battery\n");
  set_battery("95", "Discharging");

  config.set("device", "id", quoted("cam-1"));
  config.set("device", "key_file", quoted("keys/cam-1.key"));
  config.set("device", "ledger", quoted("state/ledger.db"));
  config.set("device", "recording_dir", quoted("segments"));
  config.set("source", "kind", quoted("v4l2"));
  config.set("source", "video_device", quoted("dev/video0"));
  config.set("source", "audio_device", quoted("default"));
  config.set("control", "socket_path", quoted("run/recorder.sock"));
  config.set("checks", "sysfs_root", quoted("sys"));
  config.set("checks", "planned_shift_minutes", "10");
  config.set("checks", "storage_reserve_mb", "0");
  config.set("checks", "microphone_node", quoted("dev/snd"));
  config.set("annotation", "kind", quoted("none"));
  config.set("offload", "enabled", "true");
  config.set("offload", "listen_address", quoted("127.0.0.1"));
  config.set("offload", "trusted_docks_dir", quoted("docks"));
  write_config();
}

void camera_fixture::write_config() const { write_text(config_path(), config.str()); }

void camera_fixture::set_battery(const std::string& capacity, const std::string& status) const {
  write_text(dir / "sys/class/power_supply/BAT0/capacity", capacity + "\n");
  write_text(dir / "sys/class/power_supply/BAT0/status", status + "\n");
}

std::vector<doctor::finding> camera_fixture::run(std::optional<std::string> store) const {
  doctor::camera_request request;
  request.config = config_path();
  if (store) request.store = *store;
  return doctor::evaluate_camera(doctor::gather_camera_facts(request, time));
}

dock_fixture::dock_fixture() {
  const fs::path root = dir.path();
  fs::create_directories(root / "keys");
  must(crypto::write_key_pair(root / "keys" / "dock-1", "dock-1", fixed_key(200)), "write the dock key");
  fs::create_directories(root / "cameras");
  must(crypto::write_public_key(root / "cameras" / "cam-1.pub", {"cam-1", fixed_key(1).public_key()}),
       "enroll cam-1 on the dock");
  fs::create_directories(root / "state");
  {
    auto s = store::open_directory_store(root / "store", true);
    must(s, "create the store");
    must(s->put_public_key({"cam-1", fixed_key(1).public_key()}), "put cam-1's key in the store");
    must(s->put_public_key({"dock-1", fixed_key(200).public_key()}), "put dock-1's key in the store");
    const std::string footage = "one segment's bytes";
    const core::byte_view bytes(reinterpret_cast<const std::uint8_t*>(footage.data()), footage.size());
    must(s->put_object(crypto::sha256(bytes), bytes), "put an object in the store");
  }
  config.set("dock", "id", quoted("dock-1"));
  config.set("dock", "key_file", quoted("keys/dock-1.key"));
  config.set("dock", "store_dir", quoted("store"));
  config.set("dock", "trusted_cameras_dir", quoted("cameras"));
  config.set("dock", "state_db", quoted("state/dock.db"));
  config.set("[[camera]]", "slot", quoted("slot-1"));
  config.set("[[camera]]", "address", quoted("127.0.0.1:7400"));
  write_config();
}

void dock_fixture::write_config() const { write_text(config_path(), config.str()); }

doctor::dock_facts dock_fixture::facts(bool keep_host_clock) const {
  doctor::dock_request request;
  request.config = config_path();
  request.shift = std::chrono::minutes(10);
  auto f = doctor::gather_dock_facts(request, time);
  if (!keep_host_clock) {
    f.clock.synchronized = true;
    f.clock.max_error_us = 2000;
  }
  return f;
}

std::vector<doctor::finding> dock_fixture::run() const { return doctor::evaluate_dock(facts()); }

std::vector<doctor::finding> having(const std::vector<doctor::finding>& all, const std::string& check,
                                    doctor::severity level) {
  std::vector<doctor::finding> out;
  for (const auto& f : all)
    if (f.check == check && f.level == level) out.push_back(f);
  return out;
}

std::string not_ok(const std::vector<doctor::finding>& all) {
  std::string out;
  for (const auto& f : all)
    if (f.level != doctor::severity::ok)
      out += std::string(doctor::to_string(f.level)) + " " + f.check + ": " + f.what + " [" + f.where + "]\n";
  return out;
}

doctor::finding the_one(const std::vector<doctor::finding>& all, const std::string& check, doctor::severity level) {
  const auto found = having(all, check, level);
  INFO(not_ok(all));
  REQUIRE(found.size() == 1);
  if (level != doctor::severity::ok) CHECK_FALSE(found.front().fix.empty());
  return found.front();
}

}  // namespace bodycam::tests::doctor_fixtures
