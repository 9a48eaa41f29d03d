#include "tools/shift/shift_runner.hpp"

#include "common/core/durable_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/receipt/receipt.hpp"
#include "common/record/record.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store_log/log_files.hpp"
#include "common/store_log/log_reader.hpp"
#include "tools/shift/child_process.hpp"
#include "tools/shift/control_client.hpp"
#include "tools/shift/shift_track.hpp"

#include <netinet/in.h>
#include <sodium.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <optional>
#include <thread>

namespace bodycam::tools::shift {

namespace core = common::core;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

// Story 6 of shift_plan.hpp: what the field camera's officers record.
constexpr std::string_view shift_action = "inspection";
constexpr std::string_view shift_case_number = "CASE-SIM-0001";
constexpr std::string_view shift_mark_label = "important moment";

// The officer who joins the field camera's wearer for a while.
std::string second_officer_of(const camera_settings& c) { return c.officer_id + "-partner"; }

using core::text_bytes;

// A loopback TCP port for a daemon the shift starts, that nothing listens on or has bound right now, another
// at each call: from 10000-19999, below the kernel's ephemeral ports (32768 and up by default) that outgoing
// connections draw from, so that a connection opened meanwhile (the dock's to a camera) cannot take the port
// before the daemon binds it, as one drawn by binding port 0 could. The search starts where a hash of the
// process id points, so that two shifts at once rarely try the same ports: processes started moments apart
// have nearby ids, and a search from the id itself made their runs of ports meet after a few (two shifts in one
// `ctest -j2`), so that a recorder could find its offload port taken by the other shift's daemon.
core::expected<std::uint16_t> free_loopback_port() {
  constexpr unsigned first = 10'000, count = 10'000;
  static std::atomic<unsigned> next{static_cast<unsigned>(::getpid()) * 2'654'435'761U % count};
  for (unsigned tries = 0; tries < count; ++tries) {
    const auto port = static_cast<std::uint16_t>(first + next++ % count);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return core::fail_errno("create socket", "to find a free port", errno);
    const int on = 1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    // SO_REUSEADDR as the daemons bind: a port whose last connection lingers in TIME_WAIT is free for them too.
    const bool ok = ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0 &&
                    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (ok) return port;
  }
  return core::fail(core::errc::io, "no free TCP port in 10000-19999 on 127.0.0.1 for the shift's daemons");
}

std::string dock_config_text(const shift_layout& layout, const std::vector<camera_settings>& cameras,
                             std::uint16_t http_port, std::uint16_t witness_port) {
  const fs::path dock = layout.dock();
  std::string t = "# Written by `bodycam simulate` for the simulated docking station.\n\n[dock]\n";
  t += std::string("id = \"") + dock_id + "\"\n";
  t += "key_file = " + toml_quoted((layout.keys() / (std::string(dock_id) + ".key")).string()) + "\n";
  t += "store_dir = " + toml_quoted(layout.store().string()) + "\n";
  t += "trusted_cameras_dir = " + toml_quoted((dock / "trusted-cameras").string()) + "\n";
  t += "state_db = " + toml_quoted((dock / "state" / "dock.db").string()) + "\n";
  t += "quarantine_dir = " + toml_quoted((dock / "quarantine").string()) + "\n";
  t += "poll_interval_seconds = 2\ntimeout_seconds = 30\n\n";
  t += "[http]\nlisten = \"127.0.0.1:" + std::to_string(http_port) + "\"\n";
  for (std::size_t i = 0; i < cameras.size(); ++i) {
    t += "\n[[camera]]\nslot = \"slot-" + std::to_string(i + 1) + "\"\n";
    t += "address = \"127.0.0.1:" + std::to_string(cameras[i].offload_port) + "\"\n";
  }
  t += "\n[[witness]]\nname = \"witness-1\"\nurl = \"http://127.0.0.1:" + std::to_string(witness_port) + "\"\n";
  t += "public_key_file = " + toml_quoted((layout.out / "witness" / "witness-1.pub").string()) + "\n";
  return t;
}

class shift_run {
 public:
  // Every path the shift writes into a configuration is absolute, whatever the caller's --out was
  // (relative, with spaces, deep): the recorder and the dock resolve relative paths against their
  // configuration file's folder, not against this process's working directory.
  explicit shift_run(const shift_setup& setup) : setup_(setup), layout_{fs::absolute(setup.out).lexically_normal()} {}

  core::expected<shift_outcome> run();

 private:
  void say(const std::string& line) const {
    const auto since = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started_);
    std::fprintf(setup_.progress, "[%6.1f s] %s\n", static_cast<double>(since.count()) / 1000.0, line.c_str());
    std::fflush(setup_.progress);
  }
  fs::path program(const std::string& name) const { return setup_.programs_dir / name; }
  core::status prepare();
  core::status prepare_camera(std::uint32_t index);
  core::status run_tool(const std::vector<std::string>& args, const std::string& log_name);
  core::status boot(std::uint32_t camera);
  core::status perform(const shift_step& step);
  core::status start_dock();
  core::status wait_until_stored();
  static core::expected<std::uint64_t> stored_end(const common::store::store& s, const std::string& camera);
  core::expected<int> audit();
  core::status prepare_agency();
  core::status enroll_people();
  std::vector<std::string> signer_args() const;
  core::status prepare_witness();
  core::status start_witness();
  core::status witness();

  const shift_setup& setup_;
  shift_layout layout_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::vector<camera_settings> cameras_;
  std::map<std::uint32_t, child_process> recorders_;
  std::map<std::uint32_t, int> boots_;
  std::map<std::uint32_t, std::uint64_t> due_;  // camera → the seq its last footage record has at docking
  std::optional<child_process> dock_;
  std::optional<child_process> witness_;
  std::optional<track_feed> track_;  // camera 1's GNSS (setup.place_track)
  std::uint16_t http_port_ = 0;
  std::uint16_t witness_port_ = 0;
};

core::status shift_run::run_tool(const std::vector<std::string>& args, const std::string& log_name) {
  std::vector<std::string> argv{program("bodycam").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const fs::path log = layout_.logs() / log_name;
  auto ended = run_to_end(argv, log, 120s);
  if (!ended) return std::unexpected(ended.error());
  if (!ended->is_success())
    return core::fail(core::errc::internal, "bodycam " + args.front() + " ended with " + ended->describe() +
                                                "; see " + log.string());
  return {};
}

core::status shift_run::prepare_camera(std::uint32_t index) {
  camera_settings c;
  c.id = camera_id(index);
  c.officer_id = "PC-" + std::to_string(4711 + index);
  auto port = setup_.first_port ? core::expected<std::uint16_t>(static_cast<std::uint16_t>(setup_.first_port + index))
                                 : free_loopback_port();
  if (!port) return std::unexpected(port.error());
  c.offload_port = *port;
  if (index == 0 && setup_.place_track) {
    auto gpsd_port = free_loopback_port();
    if (!gpsd_port) return std::unexpected(gpsd_port.error());
    c.gpsd_port = *gpsd_port;
  }
  const fs::path dir = layout_.camera(c.id);
  std::error_code ec;
  for (const auto& d : {dir / "segments", dir / "trusted-docks"}) {
    fs::create_directories(d, ec);
    if (ec) return core::fail(core::errc::io, "create " + d.string() + ": " + ec.message());
  }
  auto key = common::crypto::secret_key::generate();
  if (!key) return std::unexpected(key.error());
  if (auto ok = common::crypto::write_key_pair(layout_.keys() / c.id, c.id, *key); !ok) return ok;
  if (auto ok = write_battery(layout_, c.id, c.battery_percent); !ok) return ok;
  if (auto ok = core::write_file_durably(dir / "recorder.toml",
                                         text_bytes(recorder_config_text(layout_, c, index, setup_.video)), {});
      !ok)
    return ok;
  const std::string statement =
      "This is officer " + c.officer_id + ", camera " + std::to_string(index + 1) +
      ". The time is on the screen. I am on patrol on Main Street with my colleague. I am recording a traffic stop.";
  if (auto ok = speak_statement(statement, dir / "statement.wav", layout_.logs() / (c.id + "-speech.log")); !ok)
    return ok;
  // Enrollment, as an administrator does it: the camera with the dock and the store, the dock with the camera.
  const std::string pub = (layout_.keys() / (c.id + ".pub")).string();
  std::vector<std::string> enroll_camera{"enroll", "camera", "--key", pub, "--trusted-cameras-dir",
                                         (layout_.dock() / "trusted-cameras").string(), "--store",
                                         layout_.store().string(), "--unit", demo_unit};
  for (const auto& a : signer_args()) enroll_camera.push_back(a);
  if (auto ok = run_tool(enroll_camera, "enroll-" + c.id + ".log"); !ok) return ok;
  if (auto ok = run_tool({"enroll", "dock", "--key", (layout_.keys() / (std::string(dock_id) + ".pub")).string(),
                          "--trusted-docks-dir", (dir / "trusted-docks").string()},
                         "enroll-dock-on-" + c.id + ".log");
      !ok)
    return ok;
  cameras_.push_back(std::move(c));
  return {};
}

core::status shift_run::prepare() {
  std::error_code ec;
  if (fs::exists(layout_.out / "cameras", ec) || fs::exists(layout_.store(), ec))
    return core::fail(core::errc::already_exists, layout_.out.string() + " already holds a simulation; use a new --out");
  for (const auto& d : {layout_.keys(), layout_.logs(), layout_.reports(), layout_.dock() / "trusted-cameras",
                        layout_.dock() / "state"}) {
    fs::create_directories(d, ec);
    if (ec) return core::fail(core::errc::io, "create " + d.string() + ": " + ec.message());
  }
  for (const auto* name : {"bodycam", "bodycam-recorder", "bodycam-dockd"})
    if (::access(program(name).c_str(), X_OK) != 0)
      return core::fail(core::errc::not_found, program(name).string() + " is missing: build all programs first "
                                                                        "(cmake --build build)");
  if (auto ok = prepare_agency(); !ok) return ok;
  auto dock_key = common::crypto::secret_key::generate();
  if (!dock_key) return std::unexpected(dock_key.error());
  if (auto ok = common::crypto::write_key_pair(layout_.keys() / dock_id, dock_id, *dock_key); !ok) return ok;
  for (std::uint32_t i = 0; i < setup_.options.cameras; ++i) {
    if (auto ok = prepare_camera(i); !ok) return ok;
    say(cameras_.back().id + ": keys, configuration, statement and enrollment ready");
  }
  std::vector<std::string> enroll_dock{"enroll", "dock", "--key",
                                       (layout_.keys() / (std::string(dock_id) + ".pub")).string(),
                                       "--store", layout_.store().string(), "--unit", demo_unit};
  for (const auto& a : signer_args()) enroll_dock.push_back(a);
  if (auto ok = run_tool(enroll_dock, "enroll-dock-in-store.log"); !ok) return ok;
  if (auto ok = enroll_people(); !ok) return ok;
  auto port = setup_.first_port ? core::expected<std::uint16_t>(static_cast<std::uint16_t>(setup_.first_port + 100))
                                : free_loopback_port();
  if (!port) return std::unexpected(port.error());
  http_port_ = *port;
  if (auto ok = prepare_witness(); !ok) return ok;
  return core::write_file_durably(layout_.dock() / "dockd.toml",
                                  text_bytes(dock_config_text(layout_, cameras_, http_port_, witness_port_)), {});
}

core::status shift_run::boot(std::uint32_t camera) {
  const auto& c = cameras_.at(camera);
  const int n = ++boots_[camera];
  const fs::path log = layout_.logs() / (c.id + "-boot" + std::to_string(n) + ".log");
  if (c.gpsd_port != 0 && !track_) {
    auto feed = track_feed::start(c.gpsd_port, layout_.camera(c.id) / "track.nmea", layout_.logs() / "gpsfake.log");
    if (!feed) return std::unexpected(feed.error());
    track_ = std::move(*feed);
    say(c.id + ": GNSS track replayed by gpsfake on 127.0.0.1:" + std::to_string(c.gpsd_port));
  }
  auto child = child_process::start(
      {program("bodycam-recorder").string(), "--config", (layout_.camera(c.id) / "recorder.toml").string()}, log);
  if (!child) return std::unexpected(child.error());
  recorders_.insert_or_assign(camera, std::move(*child));
  auto ready = wait_for_control(layout_.control_socket(c.id).string(), 30s);
  if (!ready) return core::fail(ready.error().code, c.id + " did not come up: " + ready.error().context + "; see " + log.string());
  say(c.id + ": booted (" + ready->value("state", std::string("?")) + ")");
  return {};
}

core::status shift_run::perform(const shift_step& step) {
  const auto& c = cameras_.at(step.camera);
  const std::string socket = layout_.control_socket(c.id).string();
  switch (step.action) {
    case step_action::boot:
    case step_action::reboot:
      return boot(step.camera);
    case step_action::start: {
      auto answer = control_request(socket, {{"cmd", "start"}, {"trigger", "button"}}, 30s);
      if (!answer) return std::unexpected(answer.error());
      say(c.id + ": officer pressed record (" + answer->value("state", std::string("?")) + ")");
      return {};
    }
    case step_action::power_loss: {
      auto& recorder = recorders_.at(step.camera);
      recorder.send(SIGKILL);
      auto ended = recorder.wait(10s);
      if (!ended) return std::unexpected(ended.error());
      say(c.id + ": POWER LOST (battery pulled)");
      return {};
    }
    case step_action::battery_low: {
      // Below the 10 % reserve: the camera stops on its own at its next battery check (every second).
      if (auto ok = write_battery(layout_, c.id, 5); !ok) return ok;
      if (auto stopped = await_state(socket, "interrupted", 20s); !stopped)
        return core::wrap(c.id + ": stop at the battery reserve", stopped.error());
      say(c.id + ": BATTERY AT THE RESERVE: recording stopped automatically (low_battery)");
      return {};
    }
    case step_action::battery_swap: {
      auto& recorder = recorders_.at(step.camera);
      recorder.send(SIGKILL);
      auto ended = recorder.wait(10s);
      if (!ended) return std::unexpected(ended.error());
      if (auto ok = write_battery(layout_, c.id, 95); !ok) return ok;
      say(c.id + ": battery swapped (off, a full battery in)");
      return boot(step.camera);
    }
    case step_action::resume: {
      auto answer = control_request(socket, {{"cmd", "start"}, {"trigger", "button"}}, 30s);
      if (!answer) return std::unexpected(answer.error());
      // The recorder's own rule decides whether this start resumes; the audit checks that it did.
      say(c.id + ": officer pressed record after the swap (" + answer->value("state", std::string("?")) + ")");
      return {};
    }
    case step_action::stop: {
      auto answer = control_request(socket, {{"cmd", "stop"}, {"reason", "officer_end"}}, 30s);
      if (!answer) return std::unexpected(answer.error());
      say(c.id + ": officer stopped recording (" + answer->value("state", std::string("?")) + ")");
      return {};
    }
    case step_action::action: {
      auto answer = control_request(
          socket, {{"cmd", "action"}, {"type", std::string(shift_action)}, {"case", std::string(shift_case_number)}}, 10s);
      if (!answer) return std::unexpected(answer.error());
      say(c.id + ": action " + std::string(shift_action) + ", case " + std::string(shift_case_number));
      return {};
    }
    case step_action::officer_join:
    case step_action::officer_leave: {
      const bool join = step.action == step_action::officer_join;
      auto answer = control_request(
          socket, {{"cmd", "officer"}, {"change", join ? "join" : "leave"}, {"officer", second_officer_of(c)}}, 10s);
      if (!answer) return std::unexpected(answer.error());
      const int present = answer->value("officers", 0);
      say(c.id + ": officer " + second_officer_of(c) + (join ? " joined" : " left") + " (" + std::to_string(present) +
          (present == 1 ? " officer present)" : " officers present)"));
      return {};
    }
    case step_action::mark: {
      auto answer = control_request(socket, {{"cmd", "mark"}, {"label", std::string(shift_mark_label)}}, 10s);
      if (!answer) return std::unexpected(answer.error());
      say(c.id + ": important moment marked");
      // And a photo of it: a still of the live video, its own file and `photo` record.
      auto photo = control_request(socket, {{"cmd", "photo"}}, 10s);
      if (!photo) return std::unexpected(photo.error());
      say(c.id + ": " + photo->value("note", std::string("photo taken")));
      return {};
    }
    case step_action::dock: {
      // The stop statement is still being captured after the stop press; dock once the session closed.
      auto idle = await_state(socket, "idle", 60s);
      if (!idle) return core::wrap(c.id + ": dock after the stop", idle.error());
      if (idle->contains("last_record_seq") && (*idle)["last_record_seq"].is_number_unsigned())
        due_[step.camera] = (*idle)["last_record_seq"].get<std::uint64_t>();
      if (auto answer = control_request(socket, {{"cmd", "dock_attach"}}, 10s); !answer)
        return std::unexpected(answer.error());
      say(c.id + ": put in the dock");
      return {};
    }
  }
  return {};
}

// The docking station starts once every camera sits in it: it talks only to docked cameras.
core::status shift_run::start_dock() {
  const fs::path log = layout_.logs() / "dockd.log";
  auto dock = child_process::start(
      {program("bodycam-dockd").string(), "--config", (layout_.dock() / "dockd.toml").string()}, log);
  if (!dock) return std::unexpected(dock.error());
  dock_.emplace(std::move(*dock));
  say(std::string(dock_id) + ": docking station started; status at http://127.0.0.1:" + std::to_string(http_port_) +
      "/");
  return {};
}

// The end of the contiguous stored prefix that receipts in the store vouch for, for one camera.
core::expected<std::uint64_t> shift_run::stored_end(const common::store::store& s, const std::string& camera) {
  auto names = s.list_entries(common::store::entry_namespace::receipts);
  if (!names) return std::unexpected(names.error());
  std::uint64_t end = 0;
  for (const auto& name : *names) {
    if (name.rfind(camera + ".", 0) != 0) continue;
    auto document = s.get_entry(common::store::entry_namespace::receipts, name);
    if (!document) return std::unexpected(document.error());
    auto r = common::receipt::parse(*document);
    if (!r) return core::wrap("receipt " + name, r.error());
    if (!common::receipt::verify_signature(*r))
      return core::fail(core::errc::bad_signature, "receipt " + name + ": signature does not verify");
    end = std::max(end, r->body.end_seq);
  }
  return end;
}

core::status shift_run::wait_until_stored() {
  const auto limit = std::chrono::steady_clock::now() + setup_.upload_limit;
  std::map<std::uint32_t, bool> reported;
  auto s = common::store::open_directory_store(layout_.store(), false);  // once, not per camera per poll
  if (!s) return std::unexpected(s.error());
  for (;;) {
    std::string pending;
    for (std::uint32_t i = 0; i < cameras_.size(); ++i) {
      auto end = stored_end(*s, cameras_[i].id);
      if (!end) return std::unexpected(end.error());
      const std::uint64_t due = due_.count(i) ? due_[i] + 1 : 1;
      if (*end >= due) {
        if (!reported[i]) say(cameras_[i].id + ": receipt covers records 0.." + std::to_string(*end - 1));
        reported[i] = true;
      } else {
        pending += " " + cameras_[i].id + " (" + std::to_string(*end) + "/" + std::to_string(due) + ")";
      }
    }
    if (pending.empty()) return {};
    if (dock_ && !dock_->is_running())
      return core::fail(core::errc::closed, "bodycam-dockd ended before everything was stored; see " +
                                                (layout_.logs() / "dockd.log").string() + "; pending:" + pending);
    if (std::chrono::steady_clock::now() > limit)
      return core::fail(core::errc::timeout, "not stored within " + std::to_string(setup_.upload_limit.count()) +
                                                 " s of docking:" + pending);
    std::this_thread::sleep_for(500ms);
  }
}

// The agency as an administrator sets it up: a root key sealed with a passphrase (kept in a 0600 file here,
// as a demo; a real agency keeps both offline), its public key in the store.
core::status shift_run::prepare_agency() {
  std::array<std::uint8_t, 16> random{};
  randombytes_buf(random.data(), random.size());
  std::string passphrase;
  for (auto b : random) passphrase += "0123456789abcdef"[b >> 4], passphrase += "0123456789abcdef"[b & 15];
  passphrase += "\n";
  if (auto ok = core::write_file_durably(layout_.keys() / "agency-passphrase", text_bytes(passphrase),
                                         {.mode = 0600, .create_only = true});
      !ok)
    return ok;
  if (auto ok = run_tool({"agency", "init", "--out", layout_.keys().string(), "--passphrase-file",
                          (layout_.keys() / "agency-passphrase").string(), "--store", layout_.store().string(),
                          "--create-store"},
                         "agency-init.log");
      !ok)
    return ok;
  say("agency root: " + (layout_.keys() / "agency-root.sealed").string() + " (its public key in the store)");
  return {};
}

std::vector<std::string> shift_run::signer_args() const {
  return {"--root-key", (layout_.keys() / "agency-root.sealed").string(), "--passphrase-file",
          (layout_.keys() / "agency-passphrase").string()};
}

// A demo clerk and a demo supervisor, enrolled with their roles, so the clerks' tools work on this store.
core::status shift_run::enroll_people() {
  for (const auto& [id, role] : {std::pair{demo_clerk_id, "clerk"}, std::pair{demo_supervisor_id, "supervisor"}}) {
    auto key = common::crypto::secret_key::generate();
    if (!key) return std::unexpected(key.error());
    if (auto ok = common::crypto::write_key_pair(layout_.keys() / id, id, *key); !ok) return ok;
    std::vector<std::string> args{"enroll", "person", "--key", (layout_.keys() / (std::string(id) + ".pub")).string(),
                                  "--role", role, "--unit", demo_unit, "--store", layout_.store().string()};
    for (const auto& a : signer_args()) args.push_back(a);
    if (auto ok = run_tool(args, "enroll-" + std::string(id) + ".log"); !ok) return ok;
  }
  say(std::string("enrolled ") + demo_clerk_id + " (clerk) and " + demo_supervisor_id + " (supervisor)");
  return {};
}

// A witness in another office: its key, enrolled by the agency (in a real agency: the other office's key, sent
// to the administrator), and the port its `bodycam witness serve` will listen on for the dock.
core::status shift_run::prepare_witness() {
  const fs::path dir = layout_.out / "witness";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return core::fail(core::errc::io, "create " + dir.string() + ": " + ec.message());
  auto key = common::crypto::secret_key::generate();
  if (!key) return std::unexpected(key.error());
  if (auto ok = common::crypto::write_key_pair(dir / "witness-1", "witness-1", *key); !ok) return ok;
  std::vector<std::string> enroll{"enroll", "witness", "--key", (dir / "witness-1.pub").string(), "--store",
                                  layout_.store().string()};
  for (const auto& a : signer_args()) enroll.push_back(a);
  if (auto ok = run_tool(enroll, "enroll-witness-1.log"); !ok) return ok;
  auto port = setup_.first_port ? core::expected<std::uint16_t>(static_cast<std::uint16_t>(setup_.first_port + 101))
                                : free_loopback_port();
  if (!port) return std::unexpected(port.error());
  witness_port_ = *port;
  return {};
}

// The witness serves add-checkpoint for the dock, which submits each new checkpoint after a docking.
core::status shift_run::start_witness() {
  const fs::path dir = layout_.out / "witness";
  auto w = child_process::start({program("bodycam").string(), "witness", "serve", "--listen",
                                 "127.0.0.1:" + std::to_string(witness_port_), "--key", (dir / "witness-1.key").string(),
                                 "--state", (dir / "witness-1.state").string(), "--log-key",
                                 (layout_.keys() / (std::string(dock_id) + ".pub")).string()},
                                layout_.logs() / "witness.log");
  if (!w) return std::unexpected(w.error());
  witness_.emplace(std::move(*w));
  // Ready when its port accepts a connection (the dock would only raise witness_unreachable and retry otherwise).
  const auto limit = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return core::fail_errno("create socket", "to reach the witness", errno);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(witness_port_);
    const bool up = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (up) break;
    if (!witness_->is_running() || std::chrono::steady_clock::now() > limit)
      return core::fail(core::errc::timeout, "witness-1 did not listen on 127.0.0.1:" + std::to_string(witness_port_) +
                                                 "; see " + (layout_.logs() / "witness.log").string());
    std::this_thread::sleep_for(50ms);
  }
  say("witness-1: serving add-checkpoint at http://127.0.0.1:" + std::to_string(witness_port_) + "/");
  return {};
}

// After the dock has stopped: the witness stops too, and the store's newest checkpoint should carry its
// cosignature from the dock's submission. If the dock was stopped between its last append and that submission,
// the witness cosigns the newest checkpoint from the store instead (`bodycam witness cosign`, same state file).
core::status shift_run::witness() {
  if (witness_) {
    auto ended = witness_->stop(10s);
    if (!ended) return std::unexpected(ended.error());
  }
  auto s = common::store::open_directory_store(layout_.store(), false);
  if (!s) return std::unexpected(s.error());
  auto newest = common::store_log::newest_checkpoint(s->backend());
  if (!newest) return std::unexpected(newest.error());
  if (*newest) {
    auto key = common::store_log::cosignature_key((*newest)->checkpoint.size, "witness-1");
    if (!key) return std::unexpected(key.error());
    auto line = common::store_log::read_log_file(s->backend(), *key, 4096);
    if (!line) return std::unexpected(line.error());
    if (*line) {
      say("witness-1: cosigned the store log's checkpoint of size " + std::to_string((*newest)->checkpoint.size) +
          " when the dock submitted it (" + (layout_.logs() / "witness.log").string() + ")");
      return {};
    }
  }
  const fs::path dir = layout_.out / "witness";
  if (auto ok = run_tool({"witness", "cosign", layout_.store().string(), "--key", (dir / "witness-1.key").string(),
                          "--state", (dir / "witness-1.state").string(), "--log-key",
                          (layout_.keys() / (std::string(dock_id) + ".pub")).string()},
                         "witness-cosign.log");
      !ok)
    return ok;
  say("witness-1: the dock's last checkpoint was not submitted before it stopped; cosigned it from the store (" +
      (layout_.logs() / "witness-cosign.log").string() + ")");
  return {};
}

core::expected<int> shift_run::audit() {
  const std::string store = layout_.store().string();
  const fs::path reports = layout_.reports();
  int worst = 0;
  struct report {
    std::vector<std::string> args;
    std::string file;
  };
  const std::string root = (layout_.keys() / "agency-root.pub").string();
  const std::vector<report> runs{{{"audit", store, "--root", root}, "audit.txt"},
                                 {{"audit", store, "--root", root, "--json"}, "audit.json"},
                                 {{"audit", store, "--root", root, "--html", (reports / "audit.html").string(),
                                   "--catalogue", (reports / "catalogue.db").string()},
                                  "audit-html.log"},
                                 {{"verify", store, "--root", root}, "verify.txt"}};
  for (const auto& r : runs) {
    std::vector<std::string> argv{program("bodycam").string()};
    argv.insert(argv.end(), r.args.begin(), r.args.end());
    auto ended = run_to_end(argv, reports / r.file, 300s);
    if (!ended) return std::unexpected(ended.error());
    if (!ended->code) return core::fail(core::errc::internal, "bodycam " + r.args.front() + " " + ended->describe());
    worst = std::max(worst, *ended->code);
  }
  return worst;
}

core::expected<shift_outcome> shift_run::run() {
  auto plan = plan_shift(setup_.options);
  if (!plan) return std::unexpected(plan.error());
  say("preparing " + std::to_string(setup_.options.cameras) + " cameras and a docking station in " +
      layout_.out.string());
  if (auto ok = prepare(); !ok) return std::unexpected(ok.error());
  started_ = std::chrono::steady_clock::now();
  for (const auto& step : *plan) {
    const auto when = started_ + step.at;
    if (when > std::chrono::steady_clock::now()) std::this_thread::sleep_until(when);
    if (auto ok = perform(step); !ok)
      return core::wrap(cameras_.at(step.camera).id + " " + std::string(to_string(step.action)), ok.error());
  }
  if (auto ok = start_witness(); !ok) return std::unexpected(ok.error());
  if (auto ok = start_dock(); !ok) return std::unexpected(ok.error());
  if (auto ok = wait_until_stored(); !ok) return std::unexpected(ok.error());
  if (dock_) {
    auto ended = dock_->stop(30s);
    if (!ended) return std::unexpected(ended.error());
    say(std::string(dock_id) + ": stopped (" + ended->describe() + ")");
  }
  for (auto& [index, recorder] : recorders_) {
    auto ended = recorder.stop(30s);
    if (!ended) return std::unexpected(ended.error());
    say(cameras_.at(index).id + ": shut down (" + ended->describe() + ")");
  }
  if (track_) track_->stop();
  if (auto ok = witness(); !ok) return std::unexpected(ok.error());
  auto worst = audit();
  if (!worst) return std::unexpected(worst.error());
  shift_outcome outcome;
  outcome.audit_exit = *worst;
  outcome.store = layout_.store();
  outcome.reports = layout_.reports();
  outcome.clerk_key = layout_.keys() / (std::string(demo_clerk_id) + ".key");
  outcome.supervisor_key = layout_.keys() / (std::string(demo_supervisor_id) + ".key");
  outcome.root_key = layout_.keys() / "agency-root.pub";
  return outcome;
}

}  // namespace

core::expected<shift_outcome> run_shift(const shift_setup& setup) {
  shift_run run(setup);
  return run.run();
}

}  // namespace bodycam::tools::shift
