// The store a verb works on (verb_store.hpp).
#include "tools/verbs/verb_store.hpp"

#include "common/store/directory_backend.hpp"
#include "common/store/s3_store_factory.hpp"

#include "tools/verbs/verb.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

void add_store_options(CLI::App& cmd, std::string& directory, std::string& config_file, const std::string& what,
                       const std::string& name) {
  auto* positional = cmd.add_option(name, directory, what + " (or give --store-config)");
  cmd.add_option("--store-config", config_file,
                 "A TOML file whose [store] table names the store (the dock's keys: kind = \"directory\" with path, "
                 "or kind = \"s3\" with endpoint, bucket, credentials_file, ...), instead of a store directory")
      ->excludes(positional);
}

int check_store_given(const std::string& verb, const std::string& directory, const std::string& config_file) {
  if (!directory.empty() || !config_file.empty()) return 0;
  std::fprintf(stderr, "bodycam %s: give the store's directory or --store-config FILE\n", verb.c_str());
  return exit_usage;
}

core::expected<store::store> open_verb_store(const std::string& directory, const std::string& config_file) {
  if (!directory.empty() && !config_file.empty())
    return core::fail(core::errc::invalid_argument,
                      "open store: give a store directory or --store-config " + config_file + ", not both");
  if (!config_file.empty()) return store::open_store_from_config_file(config_file);
  if (directory.empty())
    return core::fail(core::errc::invalid_argument, "open store: give a store directory or --store-config FILE");
  return store::open_directory_store(directory, false);
}


}  // namespace bodycam::tools::verbs
