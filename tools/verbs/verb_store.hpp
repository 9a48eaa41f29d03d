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

// Adds `--store-config FILE` to `cmd`, stored in `config_file`.
void add_store_config_option(CLI::App& cmd, std::string& config_file);

// Opens the store `directory` names, or the one `config_file`'s [store] table names; both or neither is
// errc::invalid_argument.
[[nodiscard]] common::core::expected<common::store::store> open_verb_store(const std::string& directory,
                                                                           const std::string& config_file);


}  // namespace bodycam::tools::verbs
