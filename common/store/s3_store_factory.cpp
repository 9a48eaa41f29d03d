#include "common/store/s3_store_factory.hpp"

#include "common/store/directory_backend.hpp"
#include "common/store/s3_backend.hpp"
#include "common/store/s3_credentials.hpp"

namespace bodycam::common::store {

core::expected<store> open_configured_store(const store_config& config, bool create) {
  if (config.kind == store_kind::directory) return open_directory_store(config.directory, create);
  auto credentials = load_s3_credentials(config.credentials_file);
  if (!credentials) return std::unexpected(credentials.error());
  s3_store_options options = config.s3;
  options.credentials = std::move(*credentials);
  return open_s3_store(std::move(options));
}

}  // namespace bodycam::common::store
