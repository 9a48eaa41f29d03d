// Ingest throughput: N cameras with S segments of M MiB each are docked at once — the camera's offload
// handler answering the dock session in-process (no TCP, no link encryption: this measures verification and
// storage, the dock's own work), full verification (chain, file SHA-256) and create-only store with the
// stored copy re-hashed — against `cp -r` and `rsync -a` of the same files to the same disk, in one run.
//   bench_ingest CAMERAS SEGMENTS MIB DIR [--store-log]
// With --store-log the dock also appends what each docking stored to the store log (common/store_log).
// Prints one line of figures; bench/ingest/run.sh runs the cases docs/performance.md reports.
#include "common/core/durable_file.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store_log/log_queue.hpp"
#include "firmware/offload/offload_handler.hpp"
#include "ingest/dock/dock_session.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

using namespace bodycam;
using namespace bodycam::common;
namespace fs = std::filesystem;

namespace {

// The dock's camera_port answered by the camera's handler directly; every message still goes through the
// offload encoder and decoder both ways, as on the wire.
struct in_process_port final : ingest::dock::camera_port {
  in_process_port(firmware::offload::offload_handler& handler, crypto::public_key dock, crypto::public_key camera)
      : handler_(handler), dock_(dock), camera_(camera) {}
  core::expected<offload::message> exchange(const offload::message& request) override {
    auto bytes = offload::encode(request);
    if (!bytes) return std::unexpected(bytes.error());
    auto decoded = offload::decode(*bytes);
    if (!decoded) return std::unexpected(decoded.error());
    auto answer = offload::encode(handler_.handle(*decoded, dock_));
    if (!answer) return std::unexpected(answer.error());
    return offload::decode(*answer);
  }
  crypto::public_key peer_key() const override { return camera_; }
  std::string describe() const override { return "in-process camera"; }

 private:
  firmware::offload::offload_handler& handler_;
  crypto::public_key dock_;
  crypto::public_key camera_;
};

struct bench_camera {
  std::unique_ptr<crypto::software_signer> signer;
  std::unique_ptr<firmware::records::chain_writer> writer;
  fs::path dir;
};

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int shell(const std::string& command) { return std::system(command.c_str()); }

}  // namespace

int main(int argc, char** argv) {
  const bool store_log = argc == 6 && std::string_view(argv[5]) == "--store-log";
  if (argc != 5 && !store_log) {
    std::fprintf(stderr, "usage: bench_ingest CAMERAS SEGMENTS MIB DIR [--store-log]\n");
    return 2;
  }
  const std::size_t cameras_wanted = std::strtoul(argv[1], nullptr, 10);
  const int segments = std::atoi(argv[2]);
  const std::size_t mib = std::strtoul(argv[3], nullptr, 10);
  const fs::path root = argv[4];
  fs::remove_all(root);
  fs::create_directories(root);

  firmware::records::system_time_source clock(firmware::records::firmware_build_date());
  crypto::software_signer dock(crypto::secret_key::generate().value());
  std::vector<bench_camera> cameras;
  link::key_directory enrolled;
  std::uint64_t total = 0;
  std::mt19937_64 random(1);
  for (std::size_t c = 0; c < cameras_wanted; ++c) {
    const std::string id = "cam" + std::to_string(c);
    bench_camera cam;
    cam.dir = root / id;
    fs::create_directories(cam.dir / "segments");
    cam.signer = std::make_unique<crypto::software_signer>(crypto::secret_key::generate().value());
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
      const std::string name = std::to_string(i) + ".mp4";
      if (!core::write_file_durably(cam.dir / "segments" / name, bytes)) return 1;
      if (!cam.writer->with_ledger([&](ledger::ledger& l) { return l.add_file({name, ledger::file_kind::segment, id}); }))
        return 1;
      record::segment_payload p;
      p.file_name = name;
      p.byte_length = bytes.size();
      p.file_sha256 = crypto::sha256(bytes);
      const ledger::file_seal seal{bytes.size(), p.file_sha256};
      auto appended = cam.writer->append(p, [&](ledger::transaction& tx, std::uint64_t seq) {
        return tx.set_file_state(name, {ledger::file_state::sealed, seq, seal});
      });
      if (!appended) return 1;
      total += bytes.size();
    }
    enrolled.add(id, cam.signer->public_key());
    cameras.push_back(std::move(cam));
  }
  (void)shell("sync");

  const auto t0 = std::chrono::steady_clock::now();
  std::string cp = "";
  for (std::size_t c = 0; c < cameras_wanted; ++c)
    cp += "cp -r " + (cameras[c].dir / "segments").string() + " " + (root / ("cp" + std::to_string(c))).string() + " & ";
  (void)shell(cp + "wait; sync");
  const auto t1 = std::chrono::steady_clock::now();
  std::string rsync = "";
  for (std::size_t c = 0; c < cameras_wanted; ++c)
    rsync += "rsync -a " + (cameras[c].dir / "segments").string() + "/ " + (root / ("rsync" + std::to_string(c))).string() + "/ & ";
  (void)shell(rsync + "wait; sync");
  const auto t2 = std::chrono::steady_clock::now();

  auto store = store::open_directory_store(root / "store", true);
  if (!store) return 1;
  store_log::log_appender appender(*store, {std::string(store_log::default_log_origin), "dock-1", &dock});
  store_log::log_queue log_queue(appender);
  std::vector<std::thread> threads;
  int failures = 0;
  for (std::size_t c = 0; c < cameras_wanted; ++c)
    threads.emplace_back([&, c] {
      link::key_directory docks;
      docks.add("dock-1", dock.public_key());
      firmware::offload::offload_handler handler(*cameras[c].writer, *cameras[c].signer, cameras[c].dir / "segments", docks);
      in_process_port port(handler, dock.public_key(), cameras[c].signer->public_key());
      ingest::dock::session_settings settings;
      settings.spool_dir = root / "spool";
      settings.quarantine_dir = root / "quarantine";
      if (store_log) settings.log = &log_queue;
      ingest::dock::dock_session session({"dock-1", &dock}, *store, enrolled, settings);
      auto summary = session.run(port);
      if (!summary) {
        std::fprintf(stderr, "dock: %s\n", summary.error().context.c_str());
        ++failures;
      }
    });
  for (auto& t : threads) t.join();
  if (store_log && log_queue.pending() != 0) {
    std::fprintf(stderr, "store log: %zu stored items not logged\n", log_queue.pending());
    ++failures;
  }
  (void)shell("sync");
  const auto t3 = std::chrono::steady_clock::now();

  const double mb = static_cast<double>(total) / 1e6;
  const double cp_s = seconds_between(t0, t1), rsync_s = seconds_between(t1, t2), dock_s = seconds_between(t2, t3);
  std::printf("store_log=%s ", store_log ? "on" : "off");
  std::printf("cameras=%zu files=%zu size=%zuMiB total=%.0fMB  cp %.2fs (%.0f MB/s)  rsync %.2fs (%.0f MB/s)  "
              "dock %.2fs (%.0f MB/s) = %.0f%% of cp\n",
              cameras_wanted, cameras_wanted * static_cast<std::size_t>(segments), mib, mb, cp_s, mb / cp_s, rsync_s, mb / rsync_s, dock_s,
              mb / dock_s, 100.0 * cp_s / dock_s);
  fs::remove_all(root);
  return failures == 0 ? 0 : 1;
}
