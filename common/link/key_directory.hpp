// Trust files on disk (receipt spec, "Trust and enrollment files"): a directory of `<label>.pub` public-key
// files (common/crypto/key_file.hpp), one per enrolled camera (dock: trusted_cameras_dir) or agency dock
// (camera: [offload] trusted_docks_dir). Loading is strict: a file whose label is not its name, a key that
// does not parse or a name that is not `<label>.pub` is an error naming the file, never silently skipped,
// so a typo cannot quietly shrink the trust set. Other files (no `.pub` suffix) are ignored.
#pragma once

#include "common/crypto/key_file.hpp"
#include "common/link/trust_set.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace bodycam::common::link {

class key_directory {
 public:
  // Reads every `*.pub` in `dir`; not_found if the directory is missing, malformed naming the bad file.
  [[nodiscard]] static core::expected<key_directory> load(const std::filesystem::path& dir);
  // The key enrolled under `label`, if any.
  [[nodiscard]] std::optional<crypto::public_key> key_of(std::string_view label) const;
  // The label a key is enrolled under, if any (the first, if one key is enrolled twice).
  [[nodiscard]] std::optional<std::string> label_of(const crypto::public_key& key) const;
  // Every key, as a link trust set described as `description` ("an enrolled camera", "an agency dock").
  [[nodiscard]] core::expected<trust_set> to_trust_set(std::string description) const;
  [[nodiscard]] const std::map<std::string, crypto::public_key, std::less<>>& keys() const noexcept { return keys_; }
  // For tests and tools that already hold the keys.
  void add(std::string label, const crypto::public_key& key) { keys_[std::move(label)] = key; }

 private:
  std::map<std::string, crypto::public_key, std::less<>> keys_;
};

}  // namespace bodycam::common::link
