// Fuzzes the camera's configuration reader (firmware/config): TOML text from the camera's config file, which
// a dock or a technician may have written.
// Invariants checked: parsing never throws out of the parser (toml++ exceptions are converted at its edge) and
// a failure always carries a message; parsing the same text twice gives the same outcome.
#include "firmware/config/config_parser.hpp"
#include "fuzz/fuzz_check.hpp"

namespace config = bodycam::firmware::config;
using bodycam::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = bodycam::fuzz::as_text(data, size);
  const config::parse_options options{.origin = "fuzz.toml", .base_directory = "/var/lib/bodycam"};
  auto first = config::parse_recorder_config(text, options);
  if (!first) require(!first.error().context.empty(), "config", "a refusal says why");
  auto second = config::parse_recorder_config(text, options);
  require(first.has_value() == second.has_value(), "config", "parsing is deterministic");
  return 0;
}
