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

// The bucket of `options` behind each of `endpoints` (gateways of one S3 store), opened through the first
// that answers (write-once proved there, S4), wrapped in a retrying_backend with `retry`. All endpoints
// failing transiently past the budget is errc::timeout, "store unreachable: ..." naming them.
[[nodiscard]] core::expected<store> open_s3_store_with_failover(s3_store_options options,
                                                                const std::vector<std::string>& endpoints,
                                                                const retry_policy& retry);

}  // namespace bodycam::common::store
