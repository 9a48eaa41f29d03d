// Opens the store a `[store]` table names (s3_store_config.hpp): a directory store, or an S3 store with its
// credentials read from their 0600 file and write-once proved at open unless worm is off. The one place a
// program turns configuration into a `store`; errors are those of open_directory_store, load_s3_credentials
// and open_s3_store.
#pragma once

#include "common/store/s3_store_config.hpp"
#include "common/store/store.hpp"

namespace bodycam::common::store {

// `create`: make a missing directory store (the dock); an S3 bucket is never made here.
[[nodiscard]] core::expected<store> open_configured_store(const store_config& config, bool create);

}  // namespace bodycam::common::store
