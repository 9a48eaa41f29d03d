// A bundle sealed to one recipient (sealed_bundle.hpp S1-S2).
#include "tools/bundle/sealed_bundle.hpp"

#include "common/core/durable_file.hpp"
#include "common/crypto/footage_buffer.hpp"
#include "tools/bundle/bundle_archive.hpp"

namespace bodycam::tools::bundle {

namespace core = common::core;
namespace crypto = common::crypto;

core::expected<sealed_bundle> seal_bundle(const std::filesystem::path& bundle_dir, const std::string& top_folder,
                                          const crypto::footage_public_key& recipient,
                                          const std::filesystem::path& out) {
  auto archive = archive_bundle(bundle_dir, top_folder);
  if (!archive) return std::unexpected(archive.error());
  const core::byte_view plain(reinterpret_cast<const std::uint8_t*>(archive->data()), archive->size());
  const std::vector<crypto::footage_public_key> to{recipient};
  auto sealed = crypto::seal_footage_buffer(plain, to, crypto::system_random());  // S2
  if (!sealed) return core::wrap("seal the bundle archive to key id " + recipient.key_id().to_hex(), sealed.error());
  if (auto ok = core::write_file_durably(out, sealed->ciphertext, {.mode = 0600, .create_only = true}); !ok)  // S1
    return std::unexpected(ok.error());
  return sealed_bundle{sealed->digests.plaintext_sha256, sealed->digests.plaintext_bytes,
                       sealed->digests.ciphertext_bytes};
}

}  // namespace bodycam::tools::bundle
