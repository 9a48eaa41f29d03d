// A docking after a long history: one camera whose RECORDS records the store already holds and has receipted
// (its first docking, timed on its own), then one new segment of 1 MiB; the second docking is timed, with how
// many stored records it read back (session_summary::records_read), against one read of the camera's whole
// stored chain (store::read_record_inputs, 8 at once) and one verification of it (common/chain verifier, the
// signatures on the verifier's default threads): what every docking did before it verified an excerpt
// (ingest/dock/dock_session.hpp invariant 6).
//   bench_dock_history RECORDS DIR [--store-config FILE]
// The camera's offload handler answers in-process (bench/ingest/in_process_port.hpp). Without --store-config the
// store is a directory store in DIR; with it, the store that file's `[store]` table names (an S3 bucket on Ceph
// RGW). Prints one line of figures with the load average.
#include "bench/ingest/in_process_port.hpp"
#include "bench/ingest/machine_load.hpp"
#include "bench/ingest/sealed_segment.hpp"
#include "common/chain/verifier.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store/record_inputs.hpp"
#include "common/store/s3_store_factory.hpp"
#include "firmware/offload/offload_handler.hpp"
#include "ingest/dock/dock_session.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

using namespace bodycam;
using namespace bodycam::common;
using bench::load_average;
namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point from) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
}

int fail(const std::string& what, const core::error& e) {
  std::fprintf(stderr, "bench_dock_history: %s: %s\n", what.c_str(), e.context.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string store_config;
  for (int i = 3; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--store-config" && i + 1 < argc)
      store_config = argv[++i];
    else
      argc = 0;
  }
  const std::uint64_t records = argc >= 3 ? std::strtoull(argv[1], nullptr, 10) : 0;
  if (argc < 3 || records == 0) {
    std::fprintf(stderr, "usage: bench_dock_history RECORDS DIR [--store-config FILE]\n");
    return 2;
  }
  const fs::path root = argv[2];
  fs::remove_all(root);
  fs::create_directories(root / "camera" / "segments");

  // The camera: RECORDS records (marks, no files) in its ledger.
  firmware::records::system_time_source clock(firmware::records::firmware_build_date());
  crypto::software_signer camera_signer(crypto::secret_key::generate().value());
  crypto::software_signer dock(crypto::secret_key::generate().value());
  const auto device = *record::device_id::parse("cam0");
  ledger::open_options options;
  options.create_if_missing = true;
  auto ledger = ledger::open(root / "camera" / "ledger.db", options);
  if (!ledger) return fail("open the ledger", ledger.error());
  if (auto ok = ledger->set_device_id(device.str()); !ok) return fail("set the device id", ok.error());
  firmware::records::chain_writer writer(device, std::move(*ledger), camera_signer, clock);
  if (auto boot = writer.begin_boot(); !boot) return fail("begin a boot", boot.error());
  const auto made = std::chrono::steady_clock::now();
  for (std::uint64_t next_seq = 0; next_seq < records;) {
    record::mark_payload mark;
    mark.label = "history";
    auto r = writer.append(mark);
    if (!r) return fail("append a record", r.error());
    next_seq = r->body.seq + 1;
  }
  const double make_s = seconds_since(made);

  auto store = store_config.empty() ? store::open_directory_store(root / "store", true)
                                    : store::open_store_from_config_file(store_config);
  if (!store) return fail("open the store", store.error());
  link::key_directory enrolled;
  enrolled.add(device.str(), camera_signer.public_key());
  link::key_directory docks;
  docks.add("dock-1", dock.public_key());
  firmware::offload::offload_handler handler(writer, camera_signer, root / "camera" / "segments", docks);
  ingest::dock::session_settings settings;
  settings.spool_dir = root / "spool";
  settings.quarantine_dir = root / "quarantine";
  const auto dock_once = [&]() -> core::expected<ingest::dock::session_summary> {
    ingest::dock::dock_session session({"dock-1", &dock}, *store, enrolled, settings);
    bench::in_process_port port(handler, dock.public_key(), camera_signer.public_key());
    return session.run(port);
  };

  const auto first_started = std::chrono::steady_clock::now();
  auto first = dock_once();
  if (!first) return fail("the first docking", first.error());
  const double first_s = seconds_since(first_started);
  if (!first->receipt_end) {
    std::fprintf(stderr, "bench_dock_history: the first docking issued no receipt\n");
    return 1;
  }

  // One new segment of 1 MiB, then the docking that is measured.
  core::byte_buffer bytes(std::size_t{1} << 20);
  std::mt19937_64 random(1);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
  if (auto ok = bench::add_sealed_segment(writer, root / "camera" / "segments", device, "new.mp4", bytes); !ok)
    return fail("add the new segment", ok.error());
  const auto second_started = std::chrono::steady_clock::now();
  auto second = dock_once();
  if (!second) return fail("the second docking", second.error());
  const double second_s = seconds_since(second_started);
  if (second->files_stored != 1) {
    std::fprintf(stderr, "bench_dock_history: the second docking stored %llu files, not 1\n",
                 static_cast<unsigned long long>(second->files_stored));
    return 1;
  }

  // What every docking read before: the camera's whole stored chain.
  const auto whole_started = std::chrono::steady_clock::now();
  auto whole = store::read_record_inputs(*store, device);
  if (!whole) return fail("read the whole stored chain", whole.error());
  const double whole_s = seconds_since(whole_started);
  const auto verify_started = std::chrono::steady_clock::now();
  chain::verify_options verify;
  verify.device = device;
  verify.key = camera_signer.public_key();
  const auto report = chain::verify_chain(*whole, verify);
  const double verify_s = seconds_since(verify_started);
  if (report.result != chain::verdict::authentic) {
    std::fprintf(stderr, "bench_dock_history: the stored chain is %s\n",
                 std::string(chain::to_string(report.result)).c_str());
    return 1;
  }

  std::printf(
      "store=%s records=%llu (made in %.1fs)  first docking %.2fs (%llu records stored)  "
      "second docking (1 MiB) %.3fs, %llu stored records read back  whole stored chain read %.2fs "
      "(%zu records) and verified %.2fs (%u signature threads)  load %s\n",
      store_config.empty() ? "directory" : "configured", static_cast<unsigned long long>(records), make_s, first_s,
      static_cast<unsigned long long>(first->records_stored), second_s,
      static_cast<unsigned long long>(second->records_read), whole_s, whole->size(), verify_s, report.signature_threads,
      load_average().c_str());
  fs::remove_all(root);
  return 0;
}
