// Writing the files of a bundle being built (bundle_export.hpp): small files written durably and create-only,
// originals streamed from the store and re-hashed, encrypted originals decrypted into their plaintext — and the
// SHA256SUMS lines of everything written. Guarantees:
//  W1. Every file is created (never replaced), mode 0444, fsynced; finish() syncs every folder written to.
//  W2. An original is re-hashed as it is copied and must be its record's length and SHA-256 (errc::corrupt).
//  W3. An encrypted original is written as its plaintext only through decryption::decrypt_stored_file (the
//      ciphertext and the plaintext checked against the record, stored_footage.hpp D1-D3); the caller calls
//      it only after the export's access entry is stored. For the store log such a file stands for its
//      ciphertext: log_hashes() gives the ciphertext SHA-256 for it and the file's own for every other.
#pragma once

#include "common/record/payloads.hpp"
#include "common/store/store.hpp"
#include "tools/bundle/bundle_report.hpp"
#include "tools/decryption/footage_key_chest.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace bodycam::tools::bundle {

struct file_to_copy {
  std::string device;
  std::uint64_t seq = 0;
  std::string name;  // bundle path
  crypto::sha256_digest sha256;
  std::uint64_t byte_length = 0;
  std::optional<common::record::footage_plaintext> encrypted;  // the record's: the file is encrypted footage
};

// What the bundle states of a file it carries decrypted (bundle.md §2 `decrypted_files`).
struct decrypted_entry {
  std::string file;
  std::string record;  // "records/<device>/<seq>"
  crypto::sha256_digest ciphertext_sha256;
  std::uint64_t ciphertext_byte_length = 0;
  crypto::sha256_digest plaintext_sha256;
  std::uint64_t plaintext_byte_length = 0;
  crypto::footage_key_id key_id;
  bool plaintext_stated = true;  // false: salvaged after a power loss, the record states no plaintext
  std::string salvaged;          // then: where the encrypted file ends
};

class bundle_writer {
 public:
  explicit bundle_writer(std::filesystem::path root) : root_(std::move(root)) {}

  [[nodiscard]] core::status write(const std::string& path, core::byte_view bytes);
  // W2, or W3 when f.encrypted (then `keys` must be given).
  [[nodiscard]] core::status copy_object(const common::store::store& s, const file_to_copy& f,
                                         decryption::footage_key_chest* keys);
  [[nodiscard]] core::status finish();

  [[nodiscard]] const std::vector<sums_line>& sums() const { return sums_; }
  [[nodiscard]] const std::vector<decrypted_entry>& decrypted() const { return decrypted_; }
  [[nodiscard]] std::map<std::string, crypto::sha256_digest> log_hashes() const;

 private:
  [[nodiscard]] core::status decrypt_object(const common::store::store& s, const file_to_copy& f,
                                            decryption::footage_key_chest& keys);

  std::filesystem::path root_;
  std::set<std::filesystem::path> folders_;
  std::vector<sums_line> sums_;
  std::vector<decrypted_entry> decrypted_;
};

}  // namespace bodycam::tools::bundle
