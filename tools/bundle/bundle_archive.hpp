// A built bundle folder as one POSIX ustar archive (what the console's download sends): every regular file
// and folder under the bundle, in sorted order, under one top folder named after the bundle, so `tar -xf`
// gives back the folder `bodycam verify` checks, byte for byte. Guarantees: file contents are copied
// unchanged (the bundle's SHA256SUMS still holds after extraction); only regular files and folders are
// archived (anything else, e.g. a symlink, is an error naming it, not skipped); names too long for ustar are an
// error naming them; the archive ends with the two zero blocks the format requires.
#pragma once

#include "common/core/error.hpp"

#include <filesystem>
#include <string>

namespace bodycam::tools::bundle {

[[nodiscard]] common::core::expected<std::string> archive_bundle(const std::filesystem::path& bundle,
                                                                 const std::string& top_folder);

}  // namespace bodycam::tools::bundle
