// Throughput of the record chain's CPU work: encoding + signing records (what the camera does per record)
// and verifying a chain (what the dock, `bodycam verify` and the audit do per record), the verification at each
// number of signature threads asked for, and the process's peak resident memory after each phase.
//   bench_chain [records] [jobs ...]     default 20000 records, jobs 1 and 0 (0: one per core)
// Prints one line per measurement: name, records, seconds, records per second, CPU seconds (all threads) and
// records per CPU-second, peak RSS so far, and the 1-minute load average when the measurement ended (the machine
// may be shared: a figure means little without it).
// Exits 1 if any run's verdict is not authentic or its report does not hold every record.
#include "common/chain/append.hpp"
#include "common/chain/signature_stage.hpp"
#include "common/chain/verifier.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace bodycam::common;
using clock_type = std::chrono::steady_clock;

namespace {

record::payload segment_body(std::uint32_t index) {
  record::segment_payload s;
  s.session.bytes.fill(0x5a);
  s.index = index;
  s.file_name = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a-" + std::to_string(index) + ".mp4";
  s.byte_length = 45'000'000;
  s.fragment_count = 60;
  s.tracks = {{record::track_type::video, 1, 90000, 0, 5'400'000}, {record::track_type::audio, 1, 48000, 0, 2'880'000}};
  return s;
}

long peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // ru_maxrss is in KiB on Linux
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double load_1min() {
  double load[1] = {0};
  return getloadavg(load, 1) == 1 ? load[0] : -1;
}

// `cpu` is the process's CPU time (all threads) spent in the phase: records per CPU-second is what the code costs,
// records per second what the machine gave it.
void report(const std::string& name, std::size_t n, clock_type::duration d, double cpu) {
  const double seconds = std::chrono::duration<double>(d).count();
  std::printf("%-32s %8zu records %8.3f s %8.0f records/s  cpu %8.3f s %8.0f records/cpu-s  peak RSS %5ld MiB  "
              "load %.2f\n",
              name.c_str(), n, seconds, static_cast<double>(n) / seconds, cpu, static_cast<double>(n) / cpu,
              peak_rss_mib(), load_1min());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? static_cast<std::size_t>(std::strtoul(argv[1], nullptr, 10)) : 20000;
  std::vector<unsigned> jobs_list;
  for (int a = 2; a < argc; ++a) jobs_list.push_back(static_cast<unsigned>(std::strtoul(argv[a], nullptr, 10)));
  if (jobs_list.empty()) jobs_list = {1, 0};
  auto key = crypto::secret_key::generate().value();
  const auto public_key = key.public_key();
  crypto::software_signer signer(std::move(key));
  const auto device = record::device_id::parse("bench-cam").value();

  std::vector<chain::record_input> inputs;
  inputs.reserve(n);
  chain::chain_head head;
  const auto t0 = clock_type::now();
  const double c0 = cpu_seconds();
  for (std::size_t i = 0; i < n; ++i) {
    record::record draft;
    draft.device = device;
    draft.boot_counter = 1;
    draft.monotonic = std::chrono::seconds(static_cast<std::int64_t>(i));
    draft.body = segment_body(static_cast<std::uint32_t>(i));
    auto r = chain::append_to_chain(std::move(draft), head, signer).value();
    head = chain::head_after(r);
    inputs.push_back({"bench", r.body.seq, std::move(r.bytes)});
  }
  report("encode+sign (append)", n, clock_type::now() - t0, cpu_seconds() - c0);

  for (const unsigned jobs : jobs_list) {
    chain::verify_options options{device, public_key, true, std::nullopt};
    options.signatures.jobs = jobs;
    const auto t1 = clock_type::now();
    const double c1 = cpu_seconds();
    const auto result = chain::verify_chain(inputs, options);
    report("verify_chain jobs " + std::to_string(chain::resolve_jobs(jobs)) + " (" +
               std::to_string(result.signature_threads) + " threads)",
           n, clock_type::now() - t1, cpu_seconds() - c1);
    if (result.result != chain::verdict::authentic || result.records.size() != n) {
      std::fprintf(stderr, "bench_chain: chain did not verify at jobs %u\n", jobs);
      return 1;
    }
  }
  return 0;
}
