// Coverage feedback for libFuzzer from code that GCC instrumented with -fsanitize-coverage=trace-pc.
// Clang 14 (Debian 12's) cannot compile libstdc++ 12's std::expected, on which every bodycam parser returns,
// so the fuzz build compiles with GCC and links the libFuzzer engine from libclang-rt-14-dev. GCC emits one
// __sanitizer_cov_trace_pc() call per edge; libFuzzer 14 no longer accepts that form (it aborts), so this file
// replaces it: each call bumps one of 2^18 inline 8-bit counters chosen by a hash of the caller's address,
// registered with libFuzzer as an inline-counter module with a PC table of the same length (so libFuzzer
// prints cov: as the number of counters hit). Guarantees: the same edge always bumps the same counter; two
// edges may share one (a collision loses a little feedback, never correctness). GCC's integer trace-cmp calls go
// straight to libFuzzer; its floating-point ones (cmpf, cmpd), which libFuzzer does not define, are ignored
// here. Linked with --allow-multiple-definition so this trace_pc wins over libFuzzer's.
#include <cstddef>
#include <cstdint>

namespace {

constexpr std::size_t counter_count = std::size_t{1} << 18;
std::uint8_t counters[counter_count];
std::uintptr_t pc_table[2 * counter_count];  // (pc, flags) pairs; the "pc" is the counter's index + 1

}  // namespace

extern "C" void __sanitizer_cov_8bit_counters_init(std::uint8_t* begin, std::uint8_t* end);
extern "C" void __sanitizer_cov_pcs_init(const std::uintptr_t* begin, const std::uintptr_t* end);

__attribute__((constructor)) static void register_coverage_counters() {
  for (std::size_t i = 0; i < counter_count; ++i) pc_table[2 * i] = i + 1;
  __sanitizer_cov_8bit_counters_init(counters, counters + counter_count);
  __sanitizer_cov_pcs_init(pc_table, pc_table + 2 * counter_count);
}

extern "C" __attribute__((no_sanitize_address, no_sanitize_undefined)) void __sanitizer_cov_trace_pc() {
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  auto& counter = counters[(pc ^ (pc >> 18)) & (counter_count - 1)];
  counter = static_cast<std::uint8_t>(counter + 1);
}

extern "C" void __sanitizer_cov_trace_cmpf(float, float) {}
extern "C" void __sanitizer_cov_trace_cmpd(double, double) {}
