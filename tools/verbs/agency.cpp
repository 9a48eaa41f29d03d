// bodycam agency init: make the agency root, the key that signs the enrollment register (DESIGN.md §8).
//   bodycam agency init --out DIR [--passphrase-file F] [--store STORE [--create-store]]
// writes DIR/agency-root.sealed (the secret key sealed with the passphrase, mode 0600; docs/formats/
// enrollment.md §2) and DIR/agency-root.pub (the public key auditors pass as `bodycam audit --root`), and with
// --store also the store's copy at enrollment/root.pub.
// Guarantees:
//  G1. Nothing is overwritten: an existing agency-root.sealed or .pub refuses the run (exit 3) before a key is
//      made. Both files are written durably (temp, fsync, rename, fsync folder).
//  G2. The secret key never touches the disk unsealed; the passphrase comes from a 0600 file or the terminal
//      (asked twice), never from the command line.
//  G3. The sealed file is opened again with the same passphrase before the command reports success, so a key
//      that could not be unsealed is never handed out.
// Exit codes: 0 done, 2 the store already holds another root, 3 cannot (arguments, passphrase, I/O).
#include "common/core/durable_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/store/directory_backend.hpp"
#include "tools/enrollment/enrollment_store.hpp"
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

struct agency_init_args {
  std::string out;
  std::string passphrase_file;
  std::string store;
  bool create_store = false;
};

// "bodycam agency init: <message>" on stderr (json_report.hpp report_error); returns `code`.
int agency_init_failed(const std::string& message, int code = exit_cannot) {
  return report_error("agency init", false, code, message);
}

int run_agency_init(const agency_init_args& args) {
  if (auto ok = check_outside_stores(args.out, "--out"); !ok) return agency_init_failed(ok.error().context);
  const fs::path sealed = fs::path(args.out) / "agency-root.sealed";
  const fs::path pub = fs::path(args.out) / "agency-root.pub";
  std::error_code ec;
  if (fs::exists(sealed, ec) || fs::exists(pub, ec))  // G1
    return agency_init_failed(sealed.string() + " or " + pub.string() +
                              " already exists; an agency has one root; nothing done");
  auto passphrase = get_passphrase(args.passphrase_file, true);  // G2
  if (!passphrase) return agency_init_failed(passphrase.error().context);
  auto key = crypto::secret_key::generate();
  if (!key) return agency_init_failed(key.error().context);
  const auto limits = enrollment::moderate_limits();
  auto bytes = enrollment::seal_secret_key(*key, enrollment::root_key_label, passphrase->view(), limits);
  if (!bytes) return agency_init_failed(bytes.error().context);
  auto reopened = enrollment::open_sealed_key(*bytes, passphrase->view());  // G3
  if (!reopened || reopened->key.public_key() != key->public_key())
    return agency_init_failed("the sealed key did not open again with its passphrase; nothing written");
  fs::create_directories(args.out, ec);
  if (ec) return agency_init_failed("create " + args.out + ": " + ec.message());
  if (auto ok = core::write_file_durably(sealed, *bytes, {.mode = 0600, .create_only = true}); !ok)
    return agency_init_failed(ok.error().context);
  if (auto ok = crypto::write_public_key(pub, {std::string(enrollment::root_key_label), key->public_key()}); !ok)
    return agency_init_failed(ok.error().context);
  std::printf("sealed root key: %s (mode 0600; keep it offline with its passphrase)\n"
              "root public key: %s (give it to auditors: bodycam audit STORE --root %s)\n"
              "fingerprint:     %s\n",
              sealed.c_str(), pub.c_str(), pub.c_str(), key->public_key().fingerprint().to_hex().c_str());
  if (!args.store.empty()) {
    auto s = store::open_directory_store(args.store, args.create_store);
    if (!s) return agency_init_failed("open store " + args.store + ": " + s.error().context);
    auto put = enrollment::put_store_root(*s, key->public_key());
    if (!put)
      return agency_init_failed(put.error().context,
                                put.error().code == core::errc::conflict ? exit_not_authentic : exit_cannot);
    std::printf("store root:      %s enrollment/root.pub\n", s->describe().c_str());
  }
  return exit_ok;
}

}  // namespace

void add_agency(CLI::App& app, run_result& result) {
  auto* agency = app.add_subcommand("agency", "The agency's keys: the offline root that signs the enrollment register, and the footage keys");
  agency->require_subcommand(1);
  auto args = std::make_shared<agency_init_args>();
  auto* init = agency->add_subcommand(
      "init", "Make the agency root key pair: DIR/agency-root.sealed (passphrase-sealed, 0600) and DIR/agency-root.pub");
  init->add_option("--out", args->out, "Directory for the two key files (outside any store)")->required();
  init->add_option("--passphrase-file", args->passphrase_file,
                   "Read the passphrase from FILE (mode 0600); without it the terminal asks twice, without echo");
  init->add_option("--store", args->store, "Also put the root public key in this store (enrollment/root.pub)");
  init->add_flag("--create-store", args->create_store, "Create the store directory layout if it does not exist");
  init->callback([args, &result] { result.exit_code = run_agency_init(*args); });
  add_agency_footage_key(*agency, result);
}

}  // namespace bodycam::tools::verbs
