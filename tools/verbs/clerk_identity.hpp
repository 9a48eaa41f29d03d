// What every verb that writes to a register needs: the clerk's signing identity, from a secret key file made
// by `bodycam keygen --id <clerk>` (the file's label is the clerk id), and the workstation's UTC.
#pragma once

#include "common/crypto/key_file.hpp"
#include "common/record/payloads.hpp"

#include <memory>
#include <string>

namespace bodycam::tools::verbs {

struct clerk_identity {
  std::string id;
  std::unique_ptr<common::crypto::software_signer> signer;
};

[[nodiscard]] common::core::expected<clerk_identity> load_clerk(const std::string& key_file);
[[nodiscard]] common::record::utc_time utc_now();

}  // namespace bodycam::tools::verbs
