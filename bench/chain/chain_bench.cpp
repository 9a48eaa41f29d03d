// Throughput of the record chain's CPU work: encoding + signing records (what the camera does per record)
// and verifying a chain (what the dock, `bodycam verify` and the audit do per record).
//   bench_chain [records]     default 20000
// Prints one line per measurement: name, records, seconds, records per second.
#include "common/chain/append.hpp"
#include "common/chain/verifier.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>

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

void report(const char* name, std::size_t n, clock_type::duration d) {
  const double seconds = std::chrono::duration<double>(d).count();
  std::printf("%-28s %8zu records %8.3f s %10.0f records/s\n", name, n, seconds, static_cast<double>(n) / seconds);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? static_cast<std::size_t>(std::strtoul(argv[1], nullptr, 10)) : 20000;
  auto key = crypto::secret_key::generate().value();
  const auto public_key = key.public_key();
  crypto::software_signer signer(std::move(key));
  const auto device = record::device_id::parse("bench-cam").value();

  std::vector<chain::record_input> inputs;
  inputs.reserve(n);
  chain::chain_head head;
  const auto t0 = clock_type::now();
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
  report("encode+sign (append)", n, clock_type::now() - t0);

  const auto t1 = clock_type::now();
  const auto result = chain::verify_chain(inputs, {device, public_key, true, std::nullopt});
  report("verify_chain", n, clock_type::now() - t1);
  if (result.result != chain::verdict::authentic) {
    std::fprintf(stderr, "bench_chain: chain did not verify\n");
    return 1;
  }
  return 0;
}
