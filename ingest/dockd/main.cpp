// bodycam-dockd --config FILE [--once]: the docking-station daemon (DESIGN.md §5, §7).
// Start: configuration, the dock key (its label must be the dock id), the store (created if missing;
// recover() removes temp files of a killed run), the enrolled cameras, the dock's queue (state_db, SQLite;
// items a killed run left in_progress go back to pending, and the backlog it holds is assessed at once), the
// HTTP status (loopback). Then one worker thread per configured camera: connect over the secure link, run a
// dock session (pull, verify, store, quarantine, witness, receipt), close, wait poll_interval, again. The
// deadline scheduler (ingest/schedule) runs in dock_monitor: every file waits for one of [schedule]
// upload_slots, granted earliest deadline first across the cameras; the backlog is re-assessed after every
// file and every reassess_seconds on the io_context, the store is probed every reassess_seconds on a thread of
// its own (so the status says whether it is up and since when; through an S3 store's retries one probe may take
// a whole retry budget, which must not stall the status server), and alarm transitions go to stderr and the queue's log. SIGTERM/SIGINT: sessions stop between files
// (what is stored stays stored, the next run resumes), workers end, the daemon exits 0.
// --once: each worker ends after its first successful docking; the daemon exits when all have (tests, demo).
// Workers are threads, not coroutines on one io_context, because the store's writes block (fsync) and the
// verification uses both cores; each link still runs on its own io_context with a deadline on every operation.
// Exit codes: 0 clean, 1 a worker gave up in --once mode (signal before done), 2 bad configuration or setup.
#include "common/core/service_notify.hpp"
#include "common/crypto/key_file.hpp"
#include "common/link/link_identity.hpp"
#include "common/store/s3_store_factory.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store_log/reconcile.hpp"
#include "ingest/dock/link_camera_port.hpp"
#include "ingest/dockd/dock_monitor.hpp"
#include "ingest/dockd/dockd_config.hpp"
#include "ingest/dockd/store_probe.hpp"
#include "ingest/dockd/witness_http.hpp"
#include "ingest/status/status_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

using namespace bodycam;
using namespace bodycam::common;
namespace asio = boost::asio;

namespace {

int setup_error(const std::string& message) {
  std::fprintf(stderr, "bodycam-dockd: %s\n", message.c_str());
  return 2;
}

void log_line(const std::string& line) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::fprintf(stderr, "bodycam-dockd: %s\n", line.c_str());
  std::fflush(stderr);
}

record::utc_time utc_now() {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

struct stop_flag {
  std::mutex mutex;
  std::condition_variable changed;
  bool stopped = false;
  void stop() {
    std::lock_guard lock(mutex);
    stopped = true;
    changed.notify_all();
  }
  // Waits up to `d`; true if stopped.
  bool wait(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, d, [&] { return stopped; });
  }
  bool is_stopped() {
    std::lock_guard lock(mutex);
    return stopped;
  }
};

struct worker_context {
  const ingest::dockd::dockd_config& config;
  const link::link_identity& identity;
  const link::trust_set& cameras_trust;
  const link::key_directory& cameras;
  store::store& store;
  crypto::signer& signer;
  ingest::dockd::dock_monitor& monitor;
  stop_flag& stop;
  bool once = false;
  store_log::log_queue* log = nullptr;
  ingest::dockd::witness_submitter* witnesses = nullptr;
};

// After a docking (its receipt given, the link closed): the store log's newest checkpoint to every witness.
// A witness down or refusing raises its alarm and is tried again after the next docking; footage is never held.
void submit_to_witnesses(worker_context& w) {
  if (w.witnesses == nullptr || w.witnesses->empty()) return;
  auto submitted = w.witnesses->submit(w.store.backend());
  if (!submitted) {
    log_line("witnesses: " + submitted.error().context);
    return;
  }
  for (const auto& s : *submitted) {
    w.monitor.on_witness(s);
    if (s.result == ingest::dockd::submission_result::cosigned)
      log_line("witness " + s.witness + " cosigned the store log at size " + std::to_string(s.size));
    else if (s.result == ingest::dockd::submission_result::store_failed)
      log_line("witness " + s.witness + ": " + s.detail);
  }
}

// One camera slot: dock it again and again (or once) until stopped. Returns true if it docked successfully.
bool run_worker(worker_context& w, const ingest::dockd::camera_address& camera) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(camera.host, ec);
  if (ec) {
    log_line(camera.slot + ": address " + camera.host + ": " + ec.message());
    return false;
  }
  const asio::ip::tcp::endpoint endpoint(address, camera.port);
  link::link_timeouts timeouts;
  timeouts.connect = timeouts.handshake = std::chrono::seconds(std::min<long>(10, w.config.timeout.count()));
  timeouts.read = timeouts.write = w.config.timeout;
  ingest::dock::session_settings settings;
  settings.spool_dir = w.config.spool_dir;
  settings.quarantine_dir = w.config.quarantine_dir;
  settings.store_depth = w.config.store_depth;
  settings.clock = utc_now;
  settings.log = w.log;
  std::string last_error;
  while (!w.stop.is_stopped()) {
    bool cut_short = false;
    w.monitor.begin(camera.slot);
    auto port = ingest::dock::link_camera_port::connect(endpoint, w.identity, w.cameras_trust, timeouts);
    if (!port) {
      if (port.error().context != last_error) log_line(camera.slot + ": " + port.error().context);
      last_error = port.error().context;
      w.monitor.set_presence(camera.slot, ingest::dockd::presence_after_link_failure(port.error()),
                             port.error().context);
    } else {
      w.monitor.set_connected(camera.slot, true);
      ingest::dock::dock_session session({w.config.dock_id, &w.signer}, w.store, w.cameras, settings, &w.monitor);
      auto result = session.run(**port);
      (*port)->close(result ? "docking done" : "docking failed");
      w.monitor.end_session(camera.slot);
      w.monitor.set_connected(camera.slot, false, result ? std::string() : result.error().context);
      if (result) {
        last_error.clear();
        cut_short = result->stopped_by_scheduler;
        w.monitor.finish(camera.slot, *result);
        submit_to_witnesses(w);
        if (w.once && !result->stopped_by_scheduler) return true;
      } else {
        log_line(camera.slot + ": docking failed: " + result.error().context);
        last_error = result.error().context;
      }
    }
    // A docking the scheduler cut short (another camera's footage was due first) comes back soon.
    const auto pause = w.once || cut_short ? std::chrono::milliseconds(200)
                                           : std::chrono::duration_cast<std::chrono::milliseconds>(w.config.poll_interval);
    if (w.stop.wait(pause)) break;
  }
  return false;
}

int run(const std::string& config_path, bool once) {
  auto config = ingest::dockd::load_dockd_config(config_path);
  if (!config) return setup_error(config.error().context);
  const auto& c = *config;
  auto key = crypto::load_secret_key(c.key_file);
  if (!key) return setup_error(key.error().context);
  if (key->label != c.dock_id)
    return setup_error("key file " + c.key_file + " belongs to '" + key->label + "', but dock.id is '" + c.dock_id + "'");
  auto identity = link::link_identity::from_secret_key(key->key);
  if (!identity) return setup_error(identity.error().context);
  crypto::software_signer signer(std::move(key->key));
  auto cameras = link::key_directory::load(c.trusted_cameras_dir);
  if (!cameras) return setup_error(cameras.error().context);
  auto cameras_trust = cameras->to_trust_set("an enrolled camera");
  if (!cameras_trust) return setup_error(cameras_trust.error().context);
  std::error_code fs_ec;
  for (const auto& dir : {std::filesystem::path(c.state_db).parent_path(), std::filesystem::path(c.spool_dir),
                          std::filesystem::path(c.quarantine_dir)}) {
    std::filesystem::create_directories(dir, fs_ec);
    if (fs_ec) return setup_error("create directory " + dir.string() + ": " + fs_ec.message());
  }
  auto opened = store::open_configured_store(c.store, true);
  if (!opened) return setup_error(opened.error().context);
  store::store& the_store = *opened;
  if (auto recovered = the_store.recover(); !recovered) return setup_error(recovered.error().context);
  // The store log: what was stored but never logged (a crash between a put and its append, a tool's write) is
  // logged now; a failure is reported and retried at the next start, and never stops footage from being stored.
  store_log::log_appender log_appender(the_store, {std::string(store_log::default_log_origin), c.dock_id, &signer});
  if (auto reconciled = store_log::reconcile(the_store, log_appender); !reconciled)
    log_line("ALARM store log: " + reconciled.error().context + " (retried at the next start)");
  else if (reconciled->appended > 0 || !reconciled->mismatched.empty())
    log_line("store log: " + std::to_string(reconciled->appended) + " stored items logged at start-up; " +
             std::to_string(reconciled->mismatched.size()) + " logged with another digest");
  store_log::log_queue log_queue(log_appender);
  std::vector<ingest::dockd::witness_peer> peers;
  for (const auto& w : c.witnesses) {
    auto pub = crypto::load_public_key(w.public_key_file);
    if (!pub) return setup_error("witness " + w.name + ": " + pub.error().context);
    auto peer = ingest::dockd::make_witness_peer(w, pub->label, pub->key);
    if (!peer) return setup_error(peer.error().context);
    peers.push_back(std::move(*peer));
  }
  ingest::dockd::http_witness_transport witness_transport(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::min<std::chrono::seconds>(c.timeout, std::chrono::seconds(10))));
  ingest::dockd::witness_submitter witnesses(std::move(peers), witness_transport);

  ingest::dockd::monitor_options monitor_options;
  monitor_options.policy.completion_margin = c.completion_margin;
  monitor_options.policy.time_left_threshold = c.time_left_threshold;
  monitor_options.throughput.initial_bytes_per_second = c.initial_bytes_per_second;
  monitor_options.upload_slots = c.upload_slots;
  monitor_options.slot_wait = c.slot_wait;
  ingest::dockd::dock_monitor monitor(c.dock_id, utc_now, log_line, monitor_options);
  monitor.set_store_probe(ingest::dockd::probe_store(the_store));  // the status says up or down from the start
  monitor.set_witnesses(c.witnesses);
  ingest::schedule::queue_open_options queue_options;
  queue_options.create_if_missing = true;
  auto queue = ingest::schedule::queue_store::open(c.state_db, queue_options);
  if (!queue) return setup_error(queue.error().context);
  auto requeued = queue->requeue_in_progress();
  if (!requeued) return setup_error(requeued.error().context);
  if (*requeued > 0) log_line("queue: " + std::to_string(*requeued) + " interrupted items back to pending");
  monitor.use_queue(std::move(*queue));  // assesses the restored backlog: alarms are raised before any docking
  asio::io_context io;
  std::shared_ptr<ingest::status::status_server> status;
  if (!c.http_host.empty()) {
    ingest::status::status_server_options options;
    options.address = c.http_host;
    options.port = c.http_port;
    options.idle_timeout = c.http_idle_timeout;
    options.max_connections = c.http_max_connections;
    options.max_connections_per_client = c.http_max_connections_per_client;
    auto started = ingest::status::status_server::start(io, options, [&] { return monitor.snapshot(); });
    if (!started) return setup_error(started.error().context);
    status = *started;
  }
  stop_flag stop;
  asio::steady_timer reassess_timer(io);
  // Under systemd (Type=notify): READY=1 once serving, WATCHDOG=1 from the io_context's tick, STOPPING=1 on SIGTERM.
  auto notifier = core::service_notifier::from_environment();
  if (!notifier) return setup_error(notifier.error().context);
  const auto tell = [&notifier](std::string_view state) {
    if (auto ok = notifier->notify(state); !ok) log_line(ok.error().context);
  };
  auto last_ping = std::chrono::steady_clock::now();
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& e, int) {
    if (e) return;
    tell("STOPPING=1");
    log_line("stopping");
    monitor.request_stop();
    stop.stop();
    reassess_timer.cancel();
    if (status) status->stop();
  });

  worker_context context{c, *identity, *cameras_trust, *cameras, the_store, signer, monitor, stop, once, &log_queue,
                         &witnesses};
  std::atomic<std::size_t> running{c.cameras.size()};
  std::atomic<std::size_t> failed{0};
  std::vector<std::thread> workers;
  for (const auto& camera : c.cameras) {
    workers.emplace_back([&, camera] {
      if (!run_worker(context, camera)) ++failed;
      if (--running == 0 && once) asio::post(io, [&] {
        signals.cancel();
        reassess_timer.cancel();
        if (status) status->stop();
        io.stop();
      });
    });
  }
  log_line("dock " + c.dock_id + " ready: " + std::to_string(c.cameras.size()) + " camera slots, " + the_store.describe() +
           (c.http_host.empty() ? std::string() : ", status http://" + c.http_host + ":" +
                                                      std::to_string(status ? status->port() : c.http_port) + "/"));
  if (once && c.cameras.empty()) return 0;
  tell("READY=1");
  // Runs until a signal (or, with --once, until every worker is done).
  asio::steady_timer keep_alive(io);
  std::function<void()> tick = [&] {
    const auto every = notifier->watchdog_interval();
    if (every && std::chrono::steady_clock::now() - last_ping >= *every) {
      tell("WATCHDOG=1");
      last_ping = std::chrono::steady_clock::now();
    }
    keep_alive.expires_after(std::chrono::seconds(1));
    keep_alive.async_wait([&](const boost::system::error_code& e) {
      if (!e && !stop.is_stopped()) tick();
    });
  };
  tick();
  std::function<void()> reassess = [&] {
    reassess_timer.expires_after(c.reassess_interval);
    reassess_timer.async_wait([&](const boost::system::error_code& e) {
      if (e || stop.is_stopped()) return;
      monitor.reassess();
      reassess();
    });
  };
  reassess();
  std::mutex probe_mutex;
  std::condition_variable probe_wake;
  bool probe_stop = false;  // guarded by probe_mutex
  std::thread prober([&] {
    std::unique_lock lock(probe_mutex);
    while (!probe_wake.wait_for(lock, c.reassess_interval, [&] { return probe_stop; })) {
      lock.unlock();
      monitor.set_store_probe(ingest::dockd::probe_store(the_store));  // logs when the store goes down or up
      lock.lock();
    }
  });
  io.run();
  stop.stop();
  monitor.request_stop();
  {
    const std::lock_guard lock(probe_mutex);
    probe_stop = true;
  }
  probe_wake.notify_all();
  prober.join();
  for (auto& t : workers) t.join();
  log_line("stopped");
  return once && failed > 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::printf("usage: bodycam-dockd --config FILE [--once]\n  The docking-station daemon: pulls, verifies and "
                "stores the footage of docked cameras, and hands them receipts.\n");
    return 0;
  }
  const bool once = argc == 4 && std::strcmp(argv[3], "--once") == 0;
  if ((argc != 3 && !once) || std::strcmp(argv[1], "--config") != 0) {
    std::fprintf(stderr, "usage: bodycam-dockd --config FILE [--once]\n");
    return 2;
  }
  return run(argv[2], once);
}
