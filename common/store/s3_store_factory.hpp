// Opens the store a `[store]` table names (s3_store_config.hpp): a directory store, or an S3 store with its
// credentials read from their 0600 file and write-once proved at open unless worm is off. The one place a
// program turns configuration into a `store`; errors are those of open_directory_store, load_s3_credentials
// and open_s3_store. An S3 store is one s3_backend per endpoint under a retrying_backend (retrying_backend.hpp):
// transient errors are retried with backoff and fail over to the next endpoint, within the table's budget.
#pragma once

#include "common/store/s3_store_config.hpp"
#include "common/store/store.hpp"

#include <string>
#include <vector>

namespace bodycam::common::store {

// `create`: make a missing directory store (the dock); an S3 bucket is never made here.
[[nodiscard]] core::expected<store> open_configured_store(const store_config& config, bool create);

// The `[store]` table of the TOML file at `path` (a tools config, or a dock's dockd.toml: other tables are
// ignored), its relative paths resolved against the file's folder, opened as open_configured_store(…, false):
// never creates a store. A file without a `[store]` table is errc::invalid_argument naming the file.
[[nodiscard]] core::expected<store> open_store_from_config_file(const std::string& path);

// The bucket of `options` behind each of `endpoints` (gateways of one S3 store), opened through the first
// that answers (write-once proved there, S4), wrapped in a retrying_backend with `retry`. All endpoints
// failing transiently past the budget is errc::timeout, "store unreachable: ..." naming them.
[[nodiscard]] core::expected<store> open_s3_store_with_failover(s3_store_options options,
                                                                const std::vector<std::string>& endpoints,
                                                                const retry_policy& retry);

}  // namespace bodycam::common::store
