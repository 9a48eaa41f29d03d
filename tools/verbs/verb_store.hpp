// The store a verb (audit, retention, verify) works on: a store directory named on the command line, or the
// `[store]` table of a config file given with --store-config FILE (the dock's keys: a directory or an S3 bucket;
// common/store/s3_store_config.hpp). Exactly one of the two; the store is opened, never created.
#pragma once

#include "common/store/store.hpp"

#include <string>

namespace CLI {
class App;
}

namespace bodycam::tools::verbs {

// Adds the positional `name` (a store directory; `what` describes it) and `--store-config FILE`, which exclude
// each other (both given is a usage error).
void add_store_options(CLI::App& cmd, std::string& directory, std::string& config_file,
                       const std::string& what = "The store's directory", const std::string& name = "store");

// Neither given: says so on stderr ("bodycam <verb>: …") and returns the usage exit code; else 0.
[[nodiscard]] int check_store_given(const std::string& verb, const std::string& directory,
                                    const std::string& config_file);

// Opens the store `directory` names, or the one `config_file`'s [store] table names; both or neither is
// errc::invalid_argument.
[[nodiscard]] common::core::expected<common::store::store> open_verb_store(const std::string& directory,
                                                                           const std::string& config_file);


}  // namespace bodycam::tools::verbs
