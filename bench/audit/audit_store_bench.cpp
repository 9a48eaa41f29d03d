// Builds the directory store that `bench/audit/run.sh` audits: CAMERAS cameras whose chains describe OBJECTS
// footage objects in all (small files of random bytes, BYTES each), written through the store port as the dock
// writes them (create-only, synced), with each camera's public key in the store. A camera's chain is a boot, a
// precheck, then sessions of 60 segment records (start, segments, stop) until its share of objects is written.
// Each camera is written by a thread of its own (every put waits for its fsyncs, so one thread would take
// 16 ms per object here); camera c draws its bytes from a generator seeded with SEED + c.
//   bench_audit_store OBJECTS BYTES CAMERAS DIR [SEED]     DIR/store must not exist yet
// Prints the seed, then one line: objects, records, bytes, seconds, peak RSS, load. Exits 1 if anything could
// not be written or the store then does not list exactly the objects and records written.
#include "common/chain/append.hpp"
#include "common/store/directory_backend.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace bodycam::common;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr std::uint32_t segments_per_session = 60;

long peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

double load_1min() {
  double load[1] = {0};
  return getloadavg(load, 1) == 1 ? load[0] : -1;
}

[[noreturn]] void fail(const std::string& what, const core::error& e) {
  std::fprintf(stderr, "bench_audit_store: %s: %s\n", what.c_str(), e.context.c_str());
  std::_Exit(1);  // from any writer thread: no destructor runs while the others still write
}

// One camera's chain, appended and stored record by record.
class bench_camera {
 public:
  bench_camera(store::store& s, const std::string& id, std::uint64_t seed)
      : store_(s),
        device_(record::device_id::parse(id).value()),
        signer_(crypto::secret_key::generate().value()),
        random_(seed) {
    if (auto k = store_.put_public_key({device_.str(), signer_.public_key()}); !k) fail("put key " + id, k.error());
  }

  void boot() {
    append(record::boot_payload{"bench-1.0", record::shutdown_kind::clean});
    append(record::precheck_payload{
        record::precheck_outcome::passed, std::chrono::minutes(480), {{"battery", record::check_status::ok, "92%"}}});
  }

  void session(std::uint32_t segments, std::size_t bytes) {
    const auto h = crypto::sha256(device_.str() + "-session-" + std::to_string(++sessions_));
    std::copy_n(h.bytes.begin(), session_.bytes.size(), session_.bytes.begin());
    append(
        record::session_start_payload{session_, "officer-7", record::start_trigger::button, std::chrono::seconds(30)});
    for (std::uint32_t i = 0; i < segments; ++i) segment(i, bytes);
    append(record::session_stop_payload{session_, record::stop_reason::officer_end, "", segments});
  }

  [[nodiscard]] std::uint64_t records() const { return head_.next_seq; }

 private:
  void segment(std::uint32_t index, std::size_t bytes) {
    core::byte_buffer content(bytes);
    for (auto& b : content) b = static_cast<std::uint8_t>(random_());
    record::segment_payload s;
    s.session = session_;
    s.index = index;
    s.file_name = session_.to_hex() + "-" + std::to_string(index) + ".mp4";
    s.byte_length = content.size();
    s.file_sha256 = crypto::sha256(content);
    s.fragment_count = 60;
    s.tracks = {{record::track_type::video, 1, 90000, 0, 5'400'000}};
    if (auto put = store_.put_object(s.file_sha256, content); !put) fail("put object " + s.file_name, put.error());
    append(std::move(s));
  }

  void append(record::payload body) {
    utc_ += std::chrono::seconds(60);
    record::record draft;
    draft.device = device_;
    draft.boot_counter = 1;
    draft.monotonic = std::chrono::milliseconds(static_cast<std::int64_t>(head_.next_seq) * 60'000);
    draft.utc = {utc_, record::utc_source::dock_sync, std::chrono::minutes(30), std::chrono::milliseconds(50)};
    draft.body = std::move(body);
    auto r = chain::append_to_chain(std::move(draft), head_, signer_);
    if (!r) fail("append to " + device_.str(), r.error());
    head_ = chain::head_after(*r);
    if (auto put = store_.put_record(*r); !put) fail("put record of " + device_.str(), put.error());
  }

  store::store& store_;
  record::device_id device_;
  crypto::software_signer signer_;
  std::mt19937_64 random_;
  chain::chain_head head_;
  record::session_id session_;
  std::uint32_t sessions_ = 0;
  record::utc_time utc_{std::chrono::milliseconds(1'764'000'000'000)};
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: bench_audit_store OBJECTS BYTES CAMERAS DIR [SEED]\n");
    return 2;
  }
  const auto objects = std::strtoull(argv[1], nullptr, 10);
  const auto bytes = static_cast<std::size_t>(std::strtoull(argv[2], nullptr, 10));
  const auto cameras = std::max<unsigned long long>(1, std::strtoull(argv[3], nullptr, 10));
  const std::filesystem::path dir = argv[4];
  const auto seed = argc > 5 ? std::strtoull(argv[5], nullptr, 10) : std::random_device{}();
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  std::fflush(stdout);

  auto s = store::open_directory_store(dir / "store", true);
  if (!s) fail("open store " + (dir / "store").string(), s.error());
  const auto t0 = clock_type::now();
  std::vector<std::uint64_t> records_of(cameras, 0);
  {
    std::vector<std::jthread> writers;
    for (unsigned long long c = 0; c < cameras; ++c) {
      writers.emplace_back([&, c] {
        char id[32];
        std::snprintf(id, sizeof id, "cam-%04llu", c + 1);
        bench_camera cam(*s, id, seed + c);
        cam.boot();
        auto share = objects / cameras + (c < objects % cameras ? 1 : 0);
        while (share > 0) {
          const auto n = static_cast<std::uint32_t>(std::min<unsigned long long>(share, segments_per_session));
          cam.session(n, bytes);
          share -= n;
        }
        records_of[c] = cam.records();
      });
    }
  }
  std::uint64_t records = 0;
  for (const auto r : records_of) records += r;
  const double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();

  std::uint64_t listed = 0;
  if (auto st = s->for_each_object([&](const crypto::sha256_digest&) { return ++listed, true; }); !st)
    fail("list objects", st.error());
  std::uint64_t listed_records = 0;
  auto devices = s->list_devices();
  if (!devices) fail("list devices", devices.error());
  for (const auto& d : *devices) {
    auto seqs = s->list_record_seqs(d);
    if (!seqs) fail("list records of " + d.str(), seqs.error());
    listed_records += seqs->size();
  }
  std::printf(
      "store %s: %llu objects, %llu records, %llu bytes of footage, written in %.1f s, peak RSS %ld MiB, "
      "load %.2f\n",
      (dir / "store").c_str(), static_cast<unsigned long long>(listed), static_cast<unsigned long long>(listed_records),
      objects * bytes, seconds, peak_rss_mib(), load_1min());
  if (listed != objects || listed_records != records) {
    std::fprintf(stderr, "bench_audit_store: the store lists %llu objects and %llu records, %llu and %llu written\n",
                 static_cast<unsigned long long>(listed), static_cast<unsigned long long>(listed_records), objects,
                 static_cast<unsigned long long>(records));
    return 1;
  }
  return 0;
}
