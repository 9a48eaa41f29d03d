// Ingest throughput: N cameras with S segments of M MiB each are docked at once, with full verification
// (chain, file SHA-256) and create-only storage, against `cp -r` + `sync` and `rsync -a` of the same files to
// the same disk, in one run.
//   bench_ingest CAMERAS SEGMENTS MIB DIR [--store-log] [--link] [--window N] [--store-depth N] [--rehash-one-in N]
//                [--store-config FILE] [--rclone DEST]
// Without --link the camera's offload handler answers the dock session in-process (no TCP, no encryption: the
// dock's own work). With --link each camera is a real offload server (firmware/offload) on 127.0.0.1 and the
// dock reaches it as in the field: link_camera_port, Noise XX over TCP, the offload protocol; the line then
// also gives the link alone — every file pulled over the same kind of link and thrown away — which is the
// ceiling the link sets. --window N keeps N file requests in flight, for the dock and the link alone (default
// session_settings::file_window; 1 is the stop-and-wait of before). --store-depth N: files each session stores
// side by side while it fetches the next (default session_settings::store_depth; 0 stores each before the next
// is fetched). --rehash-one-in N: the share of stored copies read back and re-hashed (default
// session_settings::rehash_one_in; 1 reads back every one, 0 none). With --store-log the dock also appends what
// it stored to the store log.
// With --store-config the dock stores into the store that file's `[store]` table names (an S3 bucket on Ceph RGW:
// bench/ingest/s3_vs_rclone.sh) instead of a directory store in DIR; with --rclone DEST the comparison is
// `rclone copy --checksum` of each camera's segments to DEST/camN (an rclone remote path, configured by the
// caller), all cameras at once, instead of cp + sync.
// Prints one line of figures with the load average; bench/ingest/run.sh runs the cases docs/performance.md reports.
#include "bench/ingest/in_process_port.hpp"
#include "bench/ingest/machine_load.hpp"
#include "bench/ingest/sealed_segment.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store/s3_store_factory.hpp"
#include "common/store_log/log_queue.hpp"
#include "firmware/offload/offload_handler.hpp"
#include "firmware/offload/offload_server.hpp"
#include "ingest/dock/dock_session.hpp"
#include "ingest/dock/link_camera_port.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <cstdlib>
#include <random>
#include <sstream>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

using namespace bodycam;
using namespace bodycam::common;
namespace fs = std::filesystem;
using bench::in_process_port;
using bench::load_average;

namespace {

struct bench_camera {
  std::unique_ptr<crypto::software_signer> signer;
  std::unique_ptr<link::link_identity> identity;
  std::unique_ptr<firmware::records::chain_writer> writer;
  fs::path dir;
};

link::link_timeouts bench_timeouts() {
  using namespace std::chrono_literals;
  link::link_timeouts t;
  t.connect = 10s;
  t.handshake = 10s;
  t.read = 60s;
  t.write = 60s;
  return t;
}

// A camera's offload server on 127.0.0.1 (a kernel port), its io_context on a thread of its own.
class camera_server {
 public:
  camera_server(const link::link_identity& identity, firmware::offload::offload_handler& handler) {
    firmware::offload::server_options options;
    options.listen = boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0);
    options.timeouts = bench_timeouts();
    auto server = firmware::offload::offload_server::open(io_, options, identity, handler, [](const std::string&) {});
    if (!server) {
      std::fprintf(stderr, "open the camera's offload server: %s\n", server.error().context.c_str());
      std::exit(1);
    }
    server_ = std::move(*server);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~camera_server() {
    boost::asio::post(io_, [this] { server_->stop(); });
    io_.stop();
    thread_.join();
  }
  camera_server(const camera_server&) = delete;
  camera_server& operator=(const camera_server&) = delete;
  [[nodiscard]] boost::asio::ip::tcp::endpoint endpoint() const { return server_->endpoint(); }

 private:
  boost::asio::io_context io_;
  std::unique_ptr<firmware::offload::offload_server> server_;
  std::thread thread_;
};

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int shell(const std::string& command) { return std::system(command.c_str()); }

// CPU seconds (user + system, all threads) used so far by this process, by its waited-for children (rclone,
// cp), and by the Ceph daemons on this machine (every process named radosgw, ceph-osd or ceph-mon).
struct cpu_use {
  double self = 0, children = 0, ceph = 0;
};
double seconds_of(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }
cpu_use cpu_now() {
  cpu_use out;
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) == 0) out.self = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
  if (::getrusage(RUSAGE_CHILDREN, &usage) == 0) out.children = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    const auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    const auto comm = line.substr(open + 1, close - open - 1);
    if (comm != "radosgw" && comm != "ceph-osd" && comm != "ceph-mon") continue;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {  // fields 14 and 15 of proc(5) stat: utime, stime
      if (i == 14) utime = std::strtod(field.c_str(), nullptr);
      if (i == 15) stime = std::strtod(field.c_str(), nullptr);
    }
    out.ceph += (utime + stime) / tick;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  bool store_log = false, over_link = false;
  std::size_t window = ingest::dock::session_settings{}.file_window;
  std::size_t store_depth = ingest::dock::session_settings{}.store_depth;
  std::uint32_t rehash_one_in = ingest::dock::session_settings{}.rehash_one_in;
  std::string store_config, rclone_dest;
  for (int i = 5; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--store-log") store_log = true;
    else if (flag == "--link") over_link = true;
    else if (flag == "--window" && i + 1 < argc)
      window = std::max<std::size_t>(1, std::strtoul(argv[++i], nullptr, 10));
    else if (flag == "--store-depth" && i + 1 < argc)
      store_depth = std::strtoul(argv[++i], nullptr, 10);
    else if (flag == "--rehash-one-in" && i + 1 < argc)
      rehash_one_in = static_cast<std::uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    else if (flag == "--store-config" && i + 1 < argc) store_config = argv[++i];
    else if (flag == "--rclone" && i + 1 < argc) rclone_dest = argv[++i];
    else argc = 0;
  }
  if (argc < 5) {
    std::fprintf(stderr, "usage: bench_ingest CAMERAS SEGMENTS MIB DIR [--store-log] [--link] [--window N] "
                         "[--store-depth N] [--rehash-one-in N] [--store-config FILE] [--rclone DEST]\n");
    return 2;
  }
  const std::size_t cameras_wanted = std::strtoul(argv[1], nullptr, 10);
  const int segments = std::atoi(argv[2]);
  const std::size_t mib = std::strtoul(argv[3], nullptr, 10);
  const fs::path root = argv[4];
  fs::remove_all(root);
  fs::create_directories(root);

  firmware::records::system_time_source clock(firmware::records::firmware_build_date());
  auto dock_secret = crypto::secret_key::generate().value();
  const auto dock_identity = link::link_identity::from_secret_key(dock_secret).value();
  crypto::software_signer dock(std::move(dock_secret));
  std::vector<bench_camera> cameras;
  link::key_directory enrolled;
  std::uint64_t total = 0;
  std::mt19937_64 random(1);
  for (std::size_t c = 0; c < cameras_wanted; ++c) {
    const std::string id = "cam" + std::to_string(c);
    bench_camera cam;
    cam.dir = root / id;
    fs::create_directories(cam.dir / "segments");
    auto secret = crypto::secret_key::generate().value();
    cam.identity = std::make_unique<link::link_identity>(link::link_identity::from_secret_key(secret).value());
    cam.signer = std::make_unique<crypto::software_signer>(std::move(secret));
    ledger::open_options options;
    options.create_if_missing = true;
    auto ledger = ledger::open(cam.dir / "ledger.db", options);
    if (!ledger || !ledger->set_device_id(id)) return 1;
    cam.writer = std::make_unique<firmware::records::chain_writer>(*record::device_id::parse(id), std::move(*ledger),
                                                                   *cam.signer, clock);
    if (!cam.writer->begin_boot()) return 1;
    for (int i = 0; i < segments; ++i) {
      core::byte_buffer bytes(mib << 20);
      for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
      const auto added = bench::add_sealed_segment(*cam.writer, cam.dir / "segments", *record::device_id::parse(id),
                                                   std::to_string(i) + ".mp4", bytes);
      if (!added) {
        std::fprintf(stderr, "bench_ingest: add a segment to %s: %s\n", id.c_str(), added.error().context.c_str());
        return 1;
      }
      total += bytes.size();
    }
    enrolled.add(id, cam.signer->public_key());
    cameras.push_back(std::move(cam));
  }
  (void)shell("sync");

  const auto c0 = cpu_now();
  const auto t0 = std::chrono::steady_clock::now();
  std::string cp = "";
  // cp + sync of exactly these bytes: `sync FILE...` fsyncs the copies and their folder, not the whole machine
  // (a global sync would also flush what other programs on a shared machine have written).
  for (std::size_t c = 0; c < cameras_wanted; ++c) {
    const auto to = (root / ("cp" + std::to_string(c))).string();
    if (!rclone_dest.empty())  // or rclone into the bucket, every camera at once; the paths are the bench's own
      cp += "rclone copy --checksum '" + (cameras[c].dir / "segments").string() + "' '" + rclone_dest + "/cam" +
            std::to_string(c) + "' & ";
    else
      cp += "(cp -r " + (cameras[c].dir / "segments").string() + " " + to + " && sync " + to + "/* " + to + ") & ";
  }
  if (shell(cp + "wait") != 0 && !rclone_dest.empty()) {
    std::fprintf(stderr, "rclone copy to %s failed\n", rclone_dest.c_str());
    return 1;
  }
  const auto t1 = std::chrono::steady_clock::now();
  const auto c1 = cpu_now();
  std::string rsync = "";
  for (std::size_t c = 0; c < cameras_wanted; ++c)
    rsync += "rsync -a " + (cameras[c].dir / "segments").string() + "/ " + (root / ("rsync" + std::to_string(c))).string() + "/ & ";
  if (!over_link && rclone_dest.empty()) (void)shell(rsync + "wait; sync");  // the link runs compare with cp only (a shared machine)
  for (std::size_t c = 0; c < cameras_wanted; ++c) {  // the copies are not needed any more; free the disk
    fs::remove_all(root / ("cp" + std::to_string(c)));
    fs::remove_all(root / ("rsync" + std::to_string(c)));
  }
  (void)shell("sync");
  auto t2 = std::chrono::steady_clock::now();

  const auto rsync_end = t2;
  t2 = std::chrono::steady_clock::now();
  auto store = store_config.empty() ? store::open_directory_store(root / "store", true)
                                    : store::open_store_from_config_file(store_config);
  if (!store) {
    std::fprintf(stderr, "open the store: %s\n", store.error().context.c_str());
    return 1;
  }
  const auto opened = std::chrono::steady_clock::now();
  // The dock as in service: its store opened (the write-once probes run once per daemon start) and its key in
  // the store (put by its first docking, then remembered). Both are timed on their own, outside the docking.
  if (auto key = store->put_public_key({"dock-1", dock.public_key()}); !key) {
    std::fprintf(stderr, "put the dock's key: %s\n", key.error().context.c_str());
    return 1;
  }
  const auto key_stored = std::chrono::steady_clock::now();
  const auto c2 = cpu_now();
  store_log::log_appender appender(*store, {std::string(store_log::default_log_origin), "dock-1", &dock});
  store_log::log_queue log_queue(appender);
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  link::key_directory docks;
  docks.add("dock-1", dock.public_key());
  auto camera_trust = enrolled.to_trust_set("an enrolled camera");
  if (!camera_trust) return 1;
  std::vector<std::unique_ptr<firmware::offload::offload_handler>> handlers;
  std::vector<std::unique_ptr<camera_server>> servers;
  for (std::size_t c = 0; c < cameras_wanted; ++c) {
    handlers.push_back(std::make_unique<firmware::offload::offload_handler>(*cameras[c].writer, *cameras[c].signer,
                                                                             cameras[c].dir / "segments", docks));
    if (over_link) servers.push_back(std::make_unique<camera_server>(*cameras[c].identity, *handlers[c]));
  }
  for (std::size_t c = 0; c < cameras_wanted; ++c)
    threads.emplace_back([&, c] {
      ingest::dock::session_settings settings;
      settings.spool_dir = root / "spool";  // outside the store, on its file system: files are adopted
      settings.quarantine_dir = root / "quarantine";
      settings.file_window = window;
      settings.store_depth = store_depth;
      settings.rehash_one_in = rehash_one_in;
      if (store_log) settings.log = &log_queue;
      ingest::dock::dock_session session({"dock-1", &dock}, *store, enrolled, settings);
      core::expected<ingest::dock::session_summary> summary = std::unexpected(core::error{core::errc::internal, "not run"});
      if (over_link) {
        auto port = ingest::dock::link_camera_port::connect(servers[c]->endpoint(), dock_identity, *camera_trust,
                                                            bench_timeouts());
        if (!port) summary = std::unexpected(port.error());
        else {
          summary = session.run(**port);
          (*port)->close("docking done");
        }
      } else {
        in_process_port port(*handlers[c], dock.public_key(), cameras[c].signer->public_key());
        summary = session.run(port);
      }
      if (!summary) {
        std::fprintf(stderr, "dock: %s\n", summary.error().context.c_str());
        ++failures;
      } else if (summary->bytes_stored != total / cameras_wanted) {
        std::fprintf(stderr, "dock: stored %llu bytes of camera %zu, not %llu\n",
                     static_cast<unsigned long long>(summary->bytes_stored), c,
                     static_cast<unsigned long long>(total / cameras_wanted));
        ++failures;
      }
    });
  for (auto& t : threads) t.join();
  if (store_log && log_queue.pending() != 0) {
    std::fprintf(stderr, "store log: %zu stored items not logged\n", log_queue.pending());
    ++failures;
  }
  const auto t3 = std::chrono::steady_clock::now();  // the dock has fsynced every object and folder it wrote
  const auto c3 = cpu_now();

  // The link alone: every file pulled over a fresh link per camera, in the dock's chunk size, and dropped.
  double link_s = 0;
  if (over_link) {
    threads.clear();
    for (std::size_t c = 0; c < cameras_wanted; ++c)
      threads.emplace_back([&, c] {
        auto port = ingest::dock::link_camera_port::connect(servers[c]->endpoint(), dock_identity, *camera_trust,
                                                            bench_timeouts());
        if (!port) {
          ++failures;
          return;
        }
        std::uint64_t got = 0;
        // As the dock asks: `window` file requests in flight, answers in order.
        for (int i = 0; i < segments; ++i) {
          const std::string name = std::to_string(i) + ".mp4";
          const std::uint64_t length = total / cameras_wanted / static_cast<std::uint64_t>(segments);
          std::uint64_t next = 0;
          for (std::uint64_t offset = 0; offset < length;) {
            while ((*port)->in_flight() < window && next < length) {
              const auto ask =
                  static_cast<std::uint32_t>(std::min<std::uint64_t>(offload::max_file_chunk, length - next));
              if (!(*port)->send(offload::file_request{name, next, ask})) {
                ++failures;
                return;
              }
              next += ask;
            }
            auto answer = (*port)->receive();
            const auto* part = answer ? std::get_if<offload::file_response>(&*answer) : nullptr;
            if (part == nullptr || part->offset != offset || part->data.empty()) {
              ++failures;
              return;
            }
            offset += part->data.size();
            got += part->data.size();
          }
        }
        (*port)->close("link measured");
        if (got != total / cameras_wanted) ++failures;
      });
    for (auto& t : threads) t.join();
    link_s = seconds_between(t3, std::chrono::steady_clock::now());
  }

  const double mb = static_cast<double>(total) / 1e6;
  const double cp_s = seconds_between(t0, t1), rsync_s = seconds_between(t1, rsync_end),
               dock_s = seconds_between(key_stored, t3);
  const char* against = rclone_dest.empty() ? "cp" : "rclone";
  std::printf("%s store_log=%s window=%zu store_depth=%zu store=%s ", over_link ? "link" : "in-process",
              store_log ? "on" : "off", window, store_depth, store_config.empty() ? "directory" : "configured");
  std::printf("cameras=%zu files=%zu size=%zuMiB total=%.0fMB  %s %.2fs (%.0f MB/s)  ", cameras_wanted,
              cameras_wanted * static_cast<std::size_t>(segments), mib, mb,
              rclone_dest.empty() ? "cp+sync" : "rclone copy --checksum", cp_s, mb / cp_s);
  if (!over_link && rclone_dest.empty()) std::printf("rsync %.2fs (%.0f MB/s)  ", rsync_s, mb / rsync_s);
  std::printf("dock %.2fs (%.0f MB/s) = %.0f%% of %s", dock_s, mb / dock_s, 100.0 * cp_s / dock_s, against);
  if (over_link) std::printf("  link alone %.2fs (%.0f MB/s)", link_s, mb / link_s);
  // Where the CPU went: the copy's tool (children), the dock (this process: its sessions, and the in-process
  // camera's handler unless --link), and the Ceph daemons in each phase; the store's opening (its write-once
  // probes, once per daemon start) and the put of the dock's key (once per store handle) are outside the
  // docking's time, and given on their own.
  std::printf("  cpu s: %s %.2f ceph %.2f, dock %.2f ceph %.2f; store open %.2fs; dock key put %.2fs", against,
              c1.children - c0.children, c1.ceph - c0.ceph, c3.self - c2.self, c3.ceph - c2.ceph,
              seconds_between(t2, opened), seconds_between(opened, key_stored));
  std::printf("  load %s\n", load_average().c_str());
  fs::remove_all(root);
  return failures == 0 ? 0 : 1;
}
