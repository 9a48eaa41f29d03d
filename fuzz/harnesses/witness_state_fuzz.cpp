// Fuzzes the witness's state file reader (tools/witness): the size and root it last cosigned, read back at
// every start from a file on disk.
// Invariant checked: an accepted state formats and parses back to the same state (what it saves it reads).
#include "fuzz/fuzz_check.hpp"
#include "tools/witness/witness_state.hpp"

namespace witness = bodycam::tools::witness;
using bodycam::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto state = witness::parse_witness_state(bodycam::fuzz::as_text(data, size));
  if (!state) return 0;
  auto again = witness::parse_witness_state(witness::format_witness_state(*state));
  require(again.has_value(), "witness_state", "a formatted state parses");
  require(again->origin == state->origin && again->last.size == state->last.size && again->last.root == state->last.root,
          "witness_state", "format then parse gives the same state");
  return 0;
}
