// The S3 credentials file: a TOML file holding exactly `access_key_id = "…"` and `secret_access_key = "…"`,
// readable by its owner only (as scripts/ceph-dev writes it). Guarantees: a file that others may read or
// write is refused (errc::permission) before it is parsed; unknown keys, missing keys and empty values are
// errc::malformed naming the file and the key; the secret never appears in a message.
#pragma once

#include "common/core/error.hpp"
#include "common/store/s3_sigv4.hpp"

#include <filesystem>
#include <string_view>

namespace bodycam::common::store {

[[nodiscard]] core::expected<sigv4_credentials> load_s3_credentials(const std::filesystem::path& path);
// The same checks on text already read (`what` names it in errors).
[[nodiscard]] core::expected<sigv4_credentials> parse_s3_credentials(std::string_view text, std::string_view what);

}  // namespace bodycam::common::store
