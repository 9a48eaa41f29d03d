// The shared footage key options and the chest they make (footage_key_options.hpp).
#include "tools/verbs/footage_key_options.hpp"

#include "tools/verbs/passphrase.hpp"

#include <cstring>

namespace bodycam::tools::verbs {

namespace core = common::core;
namespace crypto = common::crypto;

void add_footage_key_options(CLI::App& cmd, footage_key_args& args) {
  cmd.add_option("--footage-key", args.footage_keys,
                 "For encrypted footage: a sealed agency footage key (0600); repeat it for old keys after a "
                 "rotation. Decrypted only after the access entry is stored");
  cmd.add_option("--footage-key-dir", args.footage_key_dirs,
                 "For encrypted footage: a folder of sealed footage keys (every *.sealed); each file's envelope "
                 "picks one");
  cmd.add_option("--passphrase-file", args.passphrase_file,
                 "The footage key passphrase from FILE (mode 0600); without it the terminal asks when a key is "
                 "needed");
}

core::expected<std::optional<decryption::footage_key_chest>> make_footage_key_chest(const footage_key_args& args) {
  if (!args.given()) {
    if (!args.passphrase_file.empty())
      return core::fail(core::errc::invalid_argument,
                        "--passphrase-file goes with --footage-key SEALED or --footage-key-dir DIR");
    return std::optional<decryption::footage_key_chest>{};
  }
  auto ring = decryption::load_footage_key_ring(args.footage_keys, args.footage_key_dirs);
  if (!ring) return std::unexpected(ring.error());
  const std::string file = args.passphrase_file;
  auto passphrase = [file]() -> core::expected<crypto::guarded_bytes> {
    auto got = file.empty() ? read_passphrase_tty("Passphrase of the agency footage key: ", false)
                            : read_passphrase_file(file);
    if (!got) return std::unexpected(got.error());
    auto bytes = crypto::allocate_guarded(got->size(), "footage key passphrase");
    if (!bytes) return std::unexpected(bytes.error());
    if (got->size() > 0) std::memcpy(bytes->data(), got->data(), got->size());
    return bytes;
  };
  return std::optional<decryption::footage_key_chest>(std::in_place, std::move(*ring), std::move(passphrase));
}

}  // namespace bodycam::tools::verbs
