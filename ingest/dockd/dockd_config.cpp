// Parsing of the dock daemon's TOML configuration (dockd_config.hpp). toml++ reports syntax errors by
// exception; they are caught here and never leave the module.
#include "ingest/dockd/dockd_config.hpp"

#include "common/core/durable_file.hpp"
#include "common/crypto/key_file.hpp"

#include <toml++/toml.h>

#include <charconv>
#include <filesystem>
#include <set>

namespace bodycam::ingest::dockd {

namespace core = common::core;

namespace {

struct reader {
  const toml::table& table;
  std::string section;
  std::string origin;
  std::string base;
  std::set<std::string> used;

  std::string where(std::string_view key) const { return origin + ": [" + section + "] " + std::string(key); }

  core::expected<std::string> text(std::string_view key, bool required, std::string fallback = {}) {
    used.insert(std::string(key));
    const auto* node = table.get(key);
    if (node == nullptr) {
      if (required) return core::fail(core::errc::invalid_argument, where(key) + ": required");
      return fallback;
    }
    const auto* s = node->as_string();
    if (s == nullptr) return core::fail(core::errc::invalid_argument, where(key) + ": must be a string");
    return s->get();
  }
  core::expected<std::string> path(std::string_view key, bool required, std::string fallback = {}) {
    auto t = text(key, required, std::move(fallback));
    if (!t) return t;
    if (t->empty()) {
      if (required) return core::fail(core::errc::invalid_argument, where(key) + ": must not be empty");
      return t;
    }
    std::filesystem::path p(*t);
    if (p.is_relative()) p = std::filesystem::path(base) / p;
    return p.lexically_normal().string();
  }
  core::expected<std::int64_t> integer(std::string_view key, std::int64_t fallback, std::int64_t low, std::int64_t high) {
    used.insert(std::string(key));
    const auto* node = table.get(key);
    if (node == nullptr) return fallback;
    const auto* i = node->as_integer();
    if (i == nullptr) return core::fail(core::errc::invalid_argument, where(key) + ": must be an integer");
    if (i->get() < low || i->get() > high)
      return core::fail(core::errc::invalid_argument, where(key) + ": " + std::to_string(i->get()) + " is outside " +
                                                          std::to_string(low) + "-" + std::to_string(high));
    return i->get();
  }
  core::status no_unknown_keys() const {
    for (const auto& [key, node] : table)
      if (!used.contains(std::string(key.str())))
        return core::fail(core::errc::invalid_argument, where(key.str()) + ": unknown key");
    return {};
  }
};

}  // namespace

core::expected<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text, std::string_view what,
                                                                       bool allow_any_port) {
  auto bad = [&] {
    return core::fail(core::errc::invalid_argument,
                      std::string(what) + ": '" + std::string(text) + "' is not host:port (e.g. 127.0.0.1:7400)");
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto digits = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || (port == 0 && !allow_any_port) || port > 65535 || host.empty())
    return bad();
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

core::expected<dockd_config> parse_dockd_config(std::string_view text, const std::string& base_directory,
                                                const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return core::fail(core::errc::malformed, origin + ": " + std::string(e.description()) + " at line " +
                                                 std::to_string(e.source().begin.line));
  }
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    if (k != "dock" && k != "http" && k != "camera" && k != "schedule" && k != "store" && k != "witness")
      return core::fail(core::errc::invalid_argument, origin + ": unknown section [" + k + "]");
  }
  dockd_config c;
  const toml::table empty;
  const auto* dock_table = root["dock"].as_table();
  if (dock_table == nullptr) return core::fail(core::errc::invalid_argument, origin + ": [dock] is required");
  reader dock{*dock_table, "dock", origin, base_directory, {}};
  auto id = dock.text("id", true);
  if (!id) return std::unexpected(id.error());
  if (!common::crypto::is_valid_label(*id))
    return core::fail(core::errc::invalid_argument, dock.where("id") + ": '" + *id + "' is not a valid dock id");
  c.dock_id = *id;
  for (auto [key, field] : {std::pair{"key_file", &c.key_file}, std::pair{"trusted_cameras_dir", &c.trusted_cameras_dir},
                            std::pair{"state_db", &c.state_db}}) {
    auto p = dock.path(key, true);
    if (!p) return std::unexpected(p.error());
    *field = *p;
  }
  // The store: [store] when present (then store_dir must not be), else the directory store_dir.
  if (const auto* store_table = root["store"].as_table()) {
    if (dock_table->contains("store_dir"))
      return core::fail(core::errc::invalid_argument, dock.where("store_dir") + ": give the store in [store] or here, not both");
    auto store = common::store::parse_store_config(*store_table, origin, base_directory);
    if (!store) return std::unexpected(store.error());
    c.store = std::move(*store);
    if (c.store.kind == common::store::store_kind::directory) c.store_dir = c.store.directory;
  } else {
    if (root.contains("store")) return core::fail(core::errc::invalid_argument, origin + ": store must be a table ([store])");
    auto p = dock.path("store_dir", true);
    if (!p) return std::unexpected(p.error());
    c.store_dir = *p;
    c.store.directory = *p;
  }
  const auto state_dir = std::filesystem::path(c.state_db).parent_path();
  auto spool = dock.path("spool_dir", false, (state_dir / "spool").string());
  if (!spool) return std::unexpected(spool.error());
  c.spool_dir = *spool;
  auto quarantine = dock.path("quarantine_dir", false, (state_dir / "quarantine").string());
  if (!quarantine) return std::unexpected(quarantine.error());
  c.quarantine_dir = *quarantine;
  auto poll = dock.integer("poll_interval_seconds", 10, 1, 3600);
  if (!poll) return std::unexpected(poll.error());
  c.poll_interval = std::chrono::seconds(*poll);
  auto timeout = dock.integer("timeout_seconds", 30, 1, 600);
  if (!timeout) return std::unexpected(timeout.error());
  c.timeout = std::chrono::seconds(*timeout);
  if (auto ok = dock.no_unknown_keys(); !ok) return std::unexpected(ok.error());

  const auto* schedule_table = root["schedule"].as_table();
  if (root.contains("schedule") && schedule_table == nullptr)
    return core::fail(core::errc::invalid_argument, origin + ": schedule must be a table ([schedule])");
  reader sched{schedule_table != nullptr ? *schedule_table : empty, "schedule", origin, base_directory, {}};
  auto upload_slots = sched.integer("upload_slots", 1, 1, 16);
  if (!upload_slots) return std::unexpected(upload_slots.error());
  c.upload_slots = static_cast<std::size_t>(*upload_slots);
  auto store_depth = sched.integer("store_depth", 6, 0, 16);
  if (!store_depth) return std::unexpected(store_depth.error());
  c.store_depth = static_cast<std::size_t>(*store_depth);
  auto margin = sched.integer("completion_margin_minutes", 120, 0, 1440);
  if (!margin) return std::unexpected(margin.error());
  c.completion_margin = std::chrono::minutes(*margin);
  auto threshold = sched.integer("time_left_threshold_minutes", 60, 0, 1440);
  if (!threshold) return std::unexpected(threshold.error());
  c.time_left_threshold = std::chrono::minutes(*threshold);
  auto slot_wait = sched.integer("slot_wait_seconds", 5, 1, 600);
  if (!slot_wait) return std::unexpected(slot_wait.error());
  c.slot_wait = std::chrono::seconds(*slot_wait);
  auto reassess = sched.integer("reassess_seconds", 10, 1, 3600);
  if (!reassess) return std::unexpected(reassess.error());
  c.reassess_interval = std::chrono::seconds(*reassess);
  auto rate = sched.integer("initial_throughput_mib_per_second", 20, 1, 10000);
  if (!rate) return std::unexpected(rate.error());
  c.initial_bytes_per_second = static_cast<double>(*rate) * 1024 * 1024;
  if (auto ok = sched.no_unknown_keys(); !ok) return std::unexpected(ok.error());

  const auto* http_table = root["http"].as_table();
  reader http{http_table != nullptr ? *http_table : empty, "http", origin, base_directory, {}};
  auto listen = http.text("listen", false, "");
  if (!listen) return std::unexpected(listen.error());
  if (!listen->empty()) {
    auto hp = parse_host_port(*listen, http.where("listen"), true);
    if (!hp) return std::unexpected(hp.error());
    c.http_host = hp->first;
    c.http_port = hp->second;
  }
  auto idle = http.integer("idle_timeout_seconds", 3, 1, 600);
  if (!idle) return std::unexpected(idle.error());
  c.http_idle_timeout = std::chrono::seconds(*idle);
  auto max_connections = http.integer("max_connections", 16, 2, 1024);
  if (!max_connections) return std::unexpected(max_connections.error());
  c.http_max_connections = static_cast<std::size_t>(*max_connections);
  auto per_client = http.integer("max_connections_per_client", 8, 1, 1024);
  if (!per_client) return std::unexpected(per_client.error());
  c.http_max_connections_per_client = static_cast<std::size_t>(*per_client);
  if (auto ok = http.no_unknown_keys(); !ok) return std::unexpected(ok.error());

  if (const auto* cameras = root["camera"].as_array()) {
    if (cameras->size() > max_cameras)
      return core::fail(core::errc::invalid_argument, origin + ": more than " + std::to_string(max_cameras) + " [[camera]]");
    std::set<std::string> slots;
    for (std::size_t i = 0; i < cameras->size(); ++i) {
      const auto* t = (*cameras)[i].as_table();
      const std::string section = "camera " + std::to_string(i + 1);
      if (t == nullptr) return core::fail(core::errc::invalid_argument, origin + ": [[camera]] entries must be tables");
      reader cam{*t, section, origin, base_directory, {}};
      auto slot = cam.text("slot", false, "slot-" + std::to_string(i + 1));
      if (!slot) return std::unexpected(slot.error());
      if (!slots.insert(*slot).second)
        return core::fail(core::errc::invalid_argument, cam.where("slot") + ": '" + *slot + "' used twice");
      auto address = cam.text("address", true);
      if (!address) return std::unexpected(address.error());
      auto hp = parse_host_port(*address, cam.where("address"));
      if (!hp) return std::unexpected(hp.error());
      if (auto ok = cam.no_unknown_keys(); !ok) return std::unexpected(ok.error());
      c.cameras.push_back({*slot, hp->first, hp->second});
    }
  } else if (root.contains("camera")) {
    return core::fail(core::errc::invalid_argument, origin + ": camera must be an array of tables ([[camera]])");
  }
  if (const auto* witnesses = root["witness"].as_array()) {
    if (witnesses->size() > max_witnesses)
      return core::fail(core::errc::invalid_argument,
                        origin + ": more than " + std::to_string(max_witnesses) + " [[witness]]");
    std::set<std::string> names;
    for (std::size_t i = 0; i < witnesses->size(); ++i) {
      const auto* t = (*witnesses)[i].as_table();
      if (t == nullptr) return core::fail(core::errc::invalid_argument, origin + ": [[witness]] entries must be tables");
      reader w{*t, "witness " + std::to_string(i + 1), origin, base_directory, {}};
      witness_endpoint e;
      auto name = w.text("name", true);
      if (!name) return std::unexpected(name.error());
      if (!common::crypto::is_valid_label(*name))
        return core::fail(core::errc::invalid_argument, w.where("name") + ": '" + *name + "' is not a key label");
      if (!names.insert(*name).second)
        return core::fail(core::errc::invalid_argument, w.where("name") + ": '" + *name + "' used twice");
      auto url = w.text("url", true);
      if (!url) return std::unexpected(url.error());
      auto parsed = parse_witness_url(*url, w.where("url"));
      if (!parsed) return std::unexpected(parsed.error());
      auto key = w.path("public_key_file", true);
      if (!key) return std::unexpected(key.error());
      if (auto ok = w.no_unknown_keys(); !ok) return std::unexpected(ok.error());
      e = *parsed;
      e.name = *name;
      e.public_key_file = *key;
      c.witnesses.push_back(std::move(e));
    }
  } else if (root.contains("witness")) {
    return core::fail(core::errc::invalid_argument, origin + ": witness must be an array of tables ([[witness]])");
  }
  return c;
}

core::expected<witness_endpoint> parse_witness_url(std::string_view url, std::string_view what) {
  const auto bad = [&](std::string_view why) {
    return core::fail(core::errc::invalid_argument, std::string(what) + ": '" + std::string(url) + "' " +
                                                        std::string(why) + " (e.g. http://127.0.0.1:8480)");
  };
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) return bad("does not start with http://");
  auto rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const auto authority = rest.substr(0, slash);
  std::string prefix = slash == std::string_view::npos ? std::string() : std::string(rest.substr(slash));
  if (prefix.ends_with('/')) prefix.pop_back();
  for (const char ch : prefix)
    if (ch <= ' ' || ch == '?' || ch == '#' || ch > '~') return bad("has a path that is not plain");
  auto hp = parse_host_port(authority, what);
  if (!hp) return bad("has no host:port");
  witness_endpoint e;
  e.url = std::string(url);
  e.host = hp->first;
  e.port = hp->second;
  e.target = prefix + "/add-checkpoint";
  return e;
}

core::expected<dockd_config> load_dockd_config(const std::string& path) {
  auto bytes = core::read_file(path, 1 << 20);
  if (!bytes) return core::wrap("read dock configuration", bytes.error());
  const std::string text(bytes->begin(), bytes->end());
  auto base = std::filesystem::absolute(std::filesystem::path(path)).parent_path().string();
  return parse_dockd_config(text, base, path);
}

}  // namespace bodycam::ingest::dockd
