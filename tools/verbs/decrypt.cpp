// bodycam decrypt: turn an encrypted footage file back into the plain file, with the agency footage key.
//   bodycam decrypt FILE (--footage-key SEALED | --footage-key-dir DIR)... --out PLAIN [--passphrase-file F]
//                  [--salvage]
// This is the key holder's tool for one file; a clerk decrypts through `bodycam export` and `bodycam copy`
// (the same key options), which write the access-register entry before any footage is decrypted.
// Guarantees:
//  G1. PLAIN appears only complete: fragments go to a 0600 temporary file beside it, which is synced and then
//      linked to PLAIN create-only (an existing PLAIN is never replaced); on any refusal it is removed.
//  G2. Without --salvage, PLAIN appears only if every message authenticated and the final message was there
//      with nothing after it. With --salvage, a truncated file (a power cut) gives PLAIN with every complete
//      fragment and exit 1; a tampered file gives the fragments before the damage and exit 2.
//  G3. The report names the key id used, the fragments written, the plaintext SHA-256 (compare it with the
//      record) and, on failure, the named error with the message index.
//  G4. After rotations the key holder gives every sealed key (or their folder); the key whose id the file's
//      envelope names is the one opened (footage_key_ring.hpp), so old keys may keep their old passphrases.
//      No key for the file: exit 3 naming the ids the file wants and the ids given.
// Exit codes: 0 complete, 1 salvaged a truncated file (documented gap), 2 not authentic (tampered, swapped
// envelope, trailing bytes), 3 cannot (no key for this file, wrong passphrase, I/O).
#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"
#include "common/crypto/footage_key_file.hpp"
#include "common/crypto/footage_reader.hpp"
#include "tools/decryption/footage_key_ring.hpp"
#include "tools/verbs/json_report.hpp"
#include "tools/verbs/output_path.hpp"
#include "tools/verbs/passphrase.hpp"
#include "tools/verbs/verb.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

namespace bodycam::tools::verbs {

namespace {

using namespace bodycam::common;
using decryption::choose_footage_key;
using decryption::footage_file_key_ids;
using decryption::load_footage_key_ring;
using decryption::sealed_footage_key;
namespace fs = std::filesystem;

struct decrypt_args {
  std::string file;
  std::vector<std::string> footage_keys;
  std::vector<std::string> footage_key_dirs;
  std::string out;
  std::string passphrase_file;
  bool salvage = false;
};

// "bodycam decrypt: <message>" on stderr (json_report.hpp report_error); returns `code`.
int decrypt_failed(const std::string& message, int code = exit_cannot) {
  return report_error("decrypt", false, code, message);
}

int exit_code_for(crypto::footage_errc code) {
  switch (code) {
    case crypto::footage_errc::truncated: return exit_gaps;
    case crypto::footage_errc::read_failed:
    case crypto::footage_errc::not_for_this_key:
    case crypto::footage_errc::unsupported_version:
    case crypto::footage_errc::internal: return exit_cannot;
    default: return exit_not_authentic;
  }
}

// G4: the key the file's envelope names, opened with its passphrase; no other key is opened. A header that does
// not parse is left for the reader to name (the first key stands in).
core::expected<std::vector<crypto::footage_secret_key>> open_keys(const decrypt_args& args) {
  auto ring = load_footage_key_ring(args.footage_keys, args.footage_key_dirs);
  if (!ring) return std::unexpected(ring.error());
  const sealed_footage_key* chosen = &ring->front();
  if (auto wanted = footage_file_key_ids(args.file); wanted) {
    auto found = choose_footage_key(*ring, *wanted, args.file);
    if (!found) return std::unexpected(found.error());
    chosen = *found;
  }
  auto passphrase = get_passphrase(args.passphrase_file, false);
  if (!passphrase) return std::unexpected(passphrase.error());
  auto key = crypto::open_footage_secret_key(chosen->sealed, passphrase->view());
  if (!key) return core::wrap("footage key " + chosen->path.string(), key.error());
  std::vector<crypto::footage_secret_key> keys;
  keys.push_back(std::move(key->key));
  return keys;
}

int run_decrypt(const decrypt_args& args) {
  const fs::path out(args.out);
  if (auto ok = check_output_path(out, "--out", replace_policy::never); !ok) return decrypt_failed(ok.error().context);
  auto keys = open_keys(args);
  if (!keys) return decrypt_failed(keys.error().context);
  core::unique_fd in(::open(args.file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.is_open()) return decrypt_failed(core::fail_errno("open", args.file, errno).error().context);
  const fs::path temp = out.parent_path() / ("." + out.filename().string() + ".partial");
  core::unique_fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.is_open()) return decrypt_failed(core::fail_errno("create", temp.string(), errno).error().context);
  auto remove_temp = [&] {
    fd.reset();
    std::error_code ec;
    fs::remove(temp, ec);
  };

  crypto::fd_source source(in.get(), args.file);
  crypto::fd_sink sink(fd.get(), temp);
  crypto::sha256_hasher plaintext_hash;
  std::uint64_t fragments = 0;
  std::optional<crypto::footage_error> stopped;
  std::string key_id;
  auto reader = crypto::footage_reader::open(source, *keys, args.file);
  if (!reader) {
    stopped = reader.error();
  } else {
    key_id = reader->opened_with().to_hex();
    for (;;) {
      auto fragment = reader->next();
      if (!fragment) {
        stopped = fragment.error();
        break;
      }
      if (!*fragment) break;
      if (auto ok = sink.write(**fragment); !ok) {
        remove_temp();
        return decrypt_failed(ok.error().context, exit_write_failed);
      }
      plaintext_hash.update(**fragment);
      ++fragments;
    }
  }
  if (stopped && (!args.salvage || fragments == 0)) {  // G2
    remove_temp();
    return decrypt_failed(std::string(crypto::to_string(stopped->code)) + ": " + stopped->message +
                              (stopped->code == crypto::footage_errc::truncated && !args.salvage
                                   ? " (--salvage writes the complete fragments)"
                                   : "") +
                              "; nothing written",
                          exit_code_for(stopped->code));
  }
  if (::fsync(fd.get()) != 0) {
    const int err = errno;
    remove_temp();
    return decrypt_failed(core::fail_errno("fsync", temp.string(), err).error().context, exit_write_failed);
  }
  if (::link(temp.c_str(), out.c_str()) != 0) {  // G1: create-only
    const int err = errno;
    remove_temp();
    return decrypt_failed(core::fail_errno("link", out.string(), err).error().context, exit_write_failed);
  }
  remove_temp();
  if (auto ok = core::fsync_directory(out.parent_path().empty() ? fs::path(".") : out.parent_path()); !ok)
    return decrypt_failed(ok.error().context, exit_write_failed);
  std::printf("decrypted:        %s -> %s\n"
              "footage key id:   %s\n"
              "fragments:        %llu\n"
              "plaintext sha256: %s\n",
              args.file.c_str(), args.out.c_str(), key_id.c_str(), static_cast<unsigned long long>(fragments),
              plaintext_hash.finish().to_hex().c_str());
  if (stopped) {
    std::printf("salvaged:         %s: %s\n", std::string(crypto::to_string(stopped->code)).c_str(),
                stopped->message.c_str());
    return exit_code_for(stopped->code);
  }
  return exit_ok;
}

}  // namespace

void add_decrypt(CLI::App& app, run_result& result) {
  auto args = std::make_shared<decrypt_args>();
  auto* cmd = app.add_subcommand("decrypt", "Decrypt an encrypted footage file with the agency footage key");
  cmd->add_option("file", args->file, "The encrypted footage file")->required();
  cmd->add_option("--footage-key", args->footage_keys,
                  "A sealed footage key file (0600); repeat it for old keys after a rotation");
  cmd->add_option("--footage-key-dir", args->footage_key_dirs,
                  "A folder of sealed footage keys (every *.sealed); the file's envelope picks one");
  cmd->add_option("--out", args->out, "Where the plain file goes (must not exist; written 0600)")->required();
  cmd->add_option("--passphrase-file", args->passphrase_file,
                  "Read the footage key passphrase from FILE (mode 0600); without it the terminal asks");
  cmd->add_flag("--salvage", args->salvage,
                "Write every complete fragment of a truncated (power-cut) or damaged file; exit 1 or 2 says which");
  cmd->callback([args, &result] { result.exit_code = run_decrypt(*args); });
}

}  // namespace bodycam::tools::verbs
