// bodycam agency footage-key new: make an agency footage key, the X25519 key pair every camera seals each
// footage file's key to (docs/formats/encrypted-footage.md, docs/operations.md "Footage encryption keys").
//   bodycam agency footage-key new --out DIR [--label L] [--passphrase-file F]
// writes DIR/footage-<key id>.sealed (the secret sealed with the passphrase, argon2id + secretbox, 0600) and
// DIR/footage-<key id>.pub (the public key line cameras are configured with). A rotation is one more run:
// the new key has a new key id, and old footage keeps naming the old one.
// Guarantees:
//  G1. Nothing is overwritten: both files are written create-only and durably.
//  G2. The secret never touches the disk unsealed; the passphrase comes from a 0600 file or the terminal
//      (asked twice), never from the command line.
//  G3. The sealed file is opened again with the passphrase and checked against the public key before the
//      command reports success.
// Exit codes: 0 done, 3 cannot (arguments, passphrase, I/O; nothing written).
#include "common/crypto/footage_key_file.hpp"
#include "tools/verbs/json_report.hpp"
#include "tools/verbs/output_path.hpp"
#include "tools/verbs/passphrase.hpp"
#include "tools/verbs/verb.hpp"

#include <cstdio>
#include <filesystem>

namespace bodycam::tools::verbs {

namespace {

using namespace bodycam::common;
namespace fs = std::filesystem;

struct footage_key_new_args {
  std::string out;
  std::string label = "footage";
  std::string passphrase_file;
};

// "bodycam agency footage-key new: <message>" on stderr (json_report.hpp report_error); returns exit_cannot.
int footage_key_failed(const std::string& message) {
  return report_error("agency footage-key new", false, exit_cannot, message);
}

int run_footage_key_new(const footage_key_new_args& args) {
  if (auto ok = check_outside_stores(args.out, "--out"); !ok) return footage_key_failed(ok.error().context);
  if (!crypto::is_valid_label(args.label))
    return footage_key_failed("--label '" + args.label + "': use 1-64 characters of A-Z a-z 0-9 . _ -");
  auto passphrase = get_passphrase(args.passphrase_file, true);  // G2
  if (!passphrase) return footage_key_failed(passphrase.error().context);
  auto key = crypto::footage_secret_key::generate(crypto::system_random());
  if (!key) return footage_key_failed(key.error().context);
  auto sealed = crypto::seal_footage_secret_key(*key, args.label, passphrase->view(), crypto::moderate_kdf_limits(),
                                                crypto::system_random());
  if (!sealed) return footage_key_failed(sealed.error().context);
  auto reopened = crypto::open_footage_secret_key(*sealed, passphrase->view());  // G3
  if (!reopened || reopened->key.public_key() != key->public_key())
    return footage_key_failed("the sealed key did not open again with its passphrase; nothing written");
  const std::string id = key->key_id().to_hex();
  const fs::path secret_path = fs::path(args.out) / ("footage-" + id + ".sealed");
  const fs::path public_path = fs::path(args.out) / ("footage-" + id + ".pub");
  std::error_code ec;
  fs::create_directories(args.out, ec);
  if (ec) return footage_key_failed("create " + args.out + ": " + ec.message());
  if (auto ok = crypto::write_sealed_footage_key(secret_path, *sealed); !ok)
    return footage_key_failed(ok.error().context);  // G1
  if (auto ok = crypto::write_footage_public_key(public_path, {args.label, key->public_key()}); !ok)
    return footage_key_failed(ok.error().context + " (the sealed secret " + secret_path.string() + " was written)");
  std::printf("footage key id:     %s\n"
              "sealed secret key:  %s (mode 0600; back it up offline with its passphrase: without it the footage "
              "sealed to this key cannot be read)\n"
              "public key:         %s (configure every camera with it)\n",
              id.c_str(), secret_path.c_str(), public_path.c_str());
  return exit_ok;
}

}  // namespace

void add_agency_footage_key(CLI::App& agency, run_result& result) {
  auto* footage_key = agency.add_subcommand("footage-key", "The agency footage key: what cameras encrypt footage to");
  footage_key->require_subcommand(1);
  auto args = std::make_shared<footage_key_new_args>();
  auto* create = footage_key->add_subcommand(
      "new", "Make a footage key pair: DIR/footage-<key id>.sealed (passphrase-sealed, 0600) and DIR/footage-<key id>.pub");
  create->add_option("--out", args->out, "Directory for the two key files (outside any store)")->required();
  create->add_option("--label", args->label, "A name for the key, e.g. footage-2026 (default: footage)");
  create->add_option("--passphrase-file", args->passphrase_file,
                     "Read the passphrase from FILE (mode 0600); without it the terminal asks twice, without echo");
  create->callback([args, &result] { result.exit_code = run_footage_key_new(*args); });
}

}  // namespace bodycam::tools::verbs
