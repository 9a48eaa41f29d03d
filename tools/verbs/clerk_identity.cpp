#include "tools/verbs/clerk_identity.hpp"

namespace bodycam::tools::verbs {

using namespace bodycam::common;

core::expected<clerk_identity> load_clerk(const std::string& key_file) {
  if (key_file.empty())
    return core::fail(core::errc::invalid_argument, "no clerk key given (--clerk-key FILE.key, from bodycam keygen)");
  auto key = crypto::load_secret_key(key_file);
  if (!key) return std::unexpected(key.error());
  return clerk_identity{key->label, std::make_unique<crypto::software_signer>(std::move(key->key))};
}

record::utc_time utc_now() {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

}  // namespace bodycam::tools::verbs
