// Which store a program opens, as one `[store]` TOML table parsed in one place for the dock daemon and the
// tools (pure: no I/O, no Asio; opening is s3_store_factory.hpp):
//
//   [store]
//   kind = "directory"                    # "directory" (default) or "s3"
//   path = "store"                        # directory: the store's root (relative to the config's folder)
//   endpoint = "http://127.0.0.1:7480"    # s3: http://host[:port] or https://host[:port], path-style
//   endpoints = ["http://a:7480", "http://b:7480"]  # s3, instead of endpoint: gateways of the same bucket,
//                                         #   tried in this order; a transient error moves to the next
//   ca_file = "s3-ca.pem"                 # s3, https: CAs that may sign the endpoints' certificates (default:
//                                         #   the system's); the certificate must name the endpoint's host
//   bucket = "bodycam"                    # s3: made beforehand with Object Lock enabled
//   region = "us-east-1"                  # s3: the SigV4 region (default us-east-1)
//   credentials_file = "s3.credentials"   # s3: access_key_id and secret_access_key, mode 0600
//   retention_days = 183                  # s3: 1-36500, COMPLIANCE retention set on every object
//   worm = "on"                           # s3: "on" (default) proves write-once at open; "off" does not
//   timeout_seconds = 30                  # s3: 1-600, every connect, write and read
//   multipart_threshold_bytes = 67108864  # s3: 5 MiB-5 GiB; a larger item is a multipart upload
//   multipart_part_bytes = 16777216       # s3: 5 MiB-5 GiB, the size of each part but the last
//   retry_budget_seconds = 60             # s3: 0-3600, the time one operation may spend retrying transient
//                                         #   errors (timeouts, resets, refused connections, 5xx, SlowDown)
//                                         #   with exponential backoff and full jitter, failing over between
//                                         #   endpoints; then it fails "store unreachable". 0: no retry
//   retry_attempts = 10                   # s3: 1-100, at most this many attempts per operation
//
// One of endpoint and endpoints is required, not both. Unknown keys, keys of the other kind and values out of
// range are errc::invalid_argument naming the key.
#pragma once

#include "common/store/retry_policy.hpp"
#include "common/store/s3_client.hpp"

#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <vector>

namespace bodycam::common::store {

enum class store_kind { directory, s3 };

struct store_config {
  store_kind kind = store_kind::directory;
  std::string directory;         // kind directory: the root, resolved
  s3_store_options s3;           // kind s3: everything but the credentials; s3.endpoint is endpoints[0]
  std::vector<std::string> endpoints;  // kind s3: every endpoint in order of preference, at least one
  retry_policy retry;                  // kind s3
  std::string credentials_file;  // kind s3: resolved; read when the store is opened
};

// `origin` names the file in messages ("dockd.toml"); relative paths are resolved against `base_directory`.
[[nodiscard]] core::expected<store_config> parse_store_config(const toml::table& table, std::string_view origin,
                                                              const std::string& base_directory);

}  // namespace bodycam::common::store
