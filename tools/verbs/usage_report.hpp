// What a command line lacks, all at once: CLI11 stops at the first required option it misses, so a clerk who
// left out three would have to run the command three times. After a RequiredError, this walks the verbs that
// were chosen and lists every required option or argument not given, as `bodycam <verb>: missing …` (exit 64).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace bodycam::tools::verbs {

// The verb path ("export", "retention hold") and the names of its required options and arguments not given,
// in declaration order ("--clerk-key", "store"). Empty when nothing required is missing.
struct missing_required {
  std::string verb;
  std::vector<std::string> names;
};
[[nodiscard]] missing_required find_missing_required(const CLI::App& app);

// "bodycam export: missing --clerk-key, --department and --reference (see bodycam export --help)"
[[nodiscard]] std::string missing_required_text(const missing_required& m);

}  // namespace bodycam::tools::verbs
