// bodycam enroll: register identities between cameras, docks and the store (docs/operations.md "Enrollment").
//   bodycam enroll camera --key CAM.pub [--key ...] [--trusted-cameras-dir DIR] [--store STORE] [SIGNER]
//       the dock will accept these cameras (DIR/<device>.pub), and the store holds their keys
//       (keys/<device>.pub) so audits and verification need no key flags;
//   bodycam enroll dock --key DOCK.pub [--key ...] [--trusted-docks-dir DIR] [--store STORE] [SIGNER]
//       a camera will offload only to these agency docks (DIR/<dock-id>.pub), and the store holds the dock
//       keys so receipts can be checked from the store alone.
//   bodycam enroll witness|person --key K.pub --store STORE SIGNER [--role R ...] [--unit U]
//   bodycam enroll revoke --store STORE --entry N --reason TEXT [--at T] SIGNER
// SIGNER is --root-key agency-root.sealed [--passphrase-file F] or --admin-key ADMIN.key. With a signer and a
// store, every key also gets a signed entry in the store's enrollment register (enroll_register.hpp) — the
// register is what the audit counts; keys/ stays for the chain verifier and older tools.
// Guarantees:
//  E1. Create-only and durable: a trust file is written to a temp file, fsynced, renamed and its directory
//      fsynced (write_public_key); a directory it had to create is fsynced into its parent.
//  E2. Enrolling the same key under the same name again succeeds and changes nothing ("already enrolled").
//  E3. A different key under a name that is already enrolled (in the trust directory or the store) is refused
//      (exit 2) before anything is written anywhere: a rotated key is a deliberate act (remove the old file
//      first), never a side effect. A race between two enrollers is still caught by the create-only writes.
//  E4. Every key is checked (parses, label valid; a camera's label must be a device id) before anything is
//      written, so a bad key file in the list writes nothing at all.
// Exit codes: 0 done, 2 refused (E3; a store holding another agency root; a signer the register does not let
// enroll; a register that does not verify), 3 cannot (bad arguments, unreadable key, passphrase, I/O error).
#include "common/core/durable_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/record/ids.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store/store.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "tools/verbs/enroll_register.hpp"
#include "tools/verbs/log_now.hpp"
#include "tools/verbs/output_path.hpp"
#include "tools/verbs/verb.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>

namespace bodycam::tools::verbs {

namespace {

using namespace bodycam::common;
namespace fs = std::filesystem;

constexpr int exit_refused = 2;

struct enroll_request {
  std::string role;  // "camera", "dock", "witness" or "person"
  std::vector<std::string> keys;
  std::string trust_dir;
  std::string store_root;
  bool create_store = false;
  register_signer_options signer;
  std::vector<std::string> roles;  // person only
  std::string unit;
  std::string valid_from;
  std::string valid_until;
};

// The register entry for one key, with the request's unit, roles and validity.
core::expected<enrollment::enrollment_entry> draft_for(const enroll_request& request,
                                                       const crypto::labelled_public_key& key) {
  enrollment::enrollment_entry e;
  e.kind = *enrollment::parse_subject_kind(request.role);
  e.subject = key.label;
  e.subject_key = key.key;
  e.unit = request.unit;
  for (const auto& text : request.roles) {
    std::size_t start = 0;
    while (start <= text.size()) {
      const auto comma = text.find(',', start);
      const std::string one = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      auto r = enrollment::parse_role(one);
      if (!r)
        return core::fail(core::errc::invalid_argument,
                          "--role '" + one + "': use officer, clerk, supervisor, auditor or admin");
      e.roles |= static_cast<std::uint8_t>(*r);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (!request.valid_from.empty()) {
    auto t = bundle::parse_utc(request.valid_from);
    if (!t) return core::wrap("--valid-from", t.error());
    e.valid_from = *t;
  }
  if (!request.valid_until.empty()) {
    auto t = bundle::parse_utc(request.valid_until);
    if (!t) return core::wrap("--valid-until", t.error());
    e.valid_until = *t;
  }
  return e;
}

struct outcome {
  int exit_code = 0;
  std::string message;
};

// Makes `dir` (and missing parents) and fsyncs each new directory into its parent (E1).
core::status make_directory_durably(const fs::path& dir) {
  std::vector<fs::path> created;
  for (fs::path p = fs::absolute(dir); !p.empty(); p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        return core::fail(core::errc::invalid_argument,
                          "trust directory " + dir.string() + ": " + p.string() + " is not a directory");
      break;
    }
    if (errno != ENOENT) return core::fail_errno("stat", p.string(), errno);
    created.push_back(p);
    if (p == p.parent_path()) break;
  }
  std::reverse(created.begin(), created.end());  // parents first
  for (const auto& p : created) {
    if (::mkdir(p.c_str(), 0755) != 0 && errno != EEXIST)
      return core::fail_errno("create directory", p.string(), errno);
    if (auto ok = core::fsync_directory(p.parent_path()); !ok) return ok;
  }
  return {};
}

// E1-E3 for one trust file. Returns the text to print, or the refusal/failure.
core::expected<std::string> enroll_in_directory(const fs::path& dir, const crypto::labelled_public_key& key) {
  if (auto ok = make_directory_durably(dir); !ok) return std::unexpected(ok.error());
  const fs::path path = dir / (key.label + ".pub");
  auto written = crypto::write_public_key(path, key);
  if (written) return path.string() + ": enrolled";
  if (written.error().code != core::errc::already_exists) return std::unexpected(written.error());
  auto existing = crypto::load_public_key(path);
  if (!existing)
    return core::fail(core::errc::conflict, "refuse to enroll " + key.label + " in " + dir.string() + ": " +
                                                path.string() + " exists and is not a readable key file (" +
                                                existing.error().context + ")");
  if (existing->label == key.label && existing->key == key.key) return path.string() + ": already enrolled";  // E2
  return core::fail(core::errc::conflict,                                                                     // E3
                    "refuse to enroll " + key.label + " in " + dir.string() + ": " + path.string() +
                        " already holds a different key (fingerprint " + existing->key.fingerprint().to_hex() +
                        "; offered " + key.key.fingerprint().to_hex() +
                        "). If the key was rotated, remove the old file deliberately first.");
}

core::expected<std::string> enroll_in_store(store::store& s, const crypto::labelled_public_key& key) {
  auto put = s.put_public_key(key);
  if (put)
    return s.describe() + " keys/" + key.label +
           ".pub: " + (*put == store::put_outcome::created ? "enrolled" : "already enrolled");
  if (put.error().code == core::errc::conflict)  // E3: the store refuses a different key under the same name
    return core::fail(core::errc::conflict, "refuse to enroll " + key.label + " in store " + s.describe() +
                                                ": it already holds a different key for " + key.label + " (" +
                                                put.error().context + ")");
  return std::unexpected(put.error());
}

// E3 before any write: a name already enrolled with a different key, in the trust directory or the store,
// refuses the whole request, so no destination ends up with a key another one refused.
core::status check_no_conflict(const fs::path& dir, const store::store* s, const crypto::labelled_public_key& key) {
  if (!dir.empty()) {
    const fs::path path = dir / (key.label + ".pub");
    std::error_code ec;
    if (fs::exists(path, ec)) {
      auto existing = crypto::load_public_key(path);
      if (!existing)
        return core::fail(core::errc::conflict, "refuse to enroll " + key.label + ": " + path.string() +
                                                    " exists and is not a readable key file (" +
                                                    existing.error().context + ")");
      if (existing->label != key.label || existing->key != key.key)
        return core::fail(core::errc::conflict,
                          "refuse to enroll " + key.label + ": " + path.string() +
                              " already holds a different key (fingerprint " + existing->key.fingerprint().to_hex() +
                              "; offered " + key.key.fingerprint().to_hex() +
                              "). If the key was rotated, remove the old file deliberately first.");
    }
  }
  if (s != nullptr) {
    auto device = record::device_id::parse(key.label);
    if (!device)
      return core::fail(core::errc::invalid_argument, "key label " + key.label + " is not a valid store name");
    auto existing = s->get_public_key(*device);
    if (existing && existing->key != key.key)
      return core::fail(core::errc::conflict, "refuse to enroll " + key.label + ": store " + s->describe() +
                                                  " already holds a different key for it (fingerprint " +
                                                  existing->key.fingerprint().to_hex() + "; offered " +
                                                  key.key.fingerprint().to_hex() + ")");
    if (!existing && existing.error().code != core::errc::not_found)
      return core::fail(existing.error().code,
                        "check store " + s->describe() + " for " + key.label + ": " + existing.error().context);
  }
  return {};
}

// What the store holds of the register and of these keys (enrollment/…, keys/<label>.pub): compared before and
// after, it names what this run wrote, for the store log.
std::set<std::string> stored_enrollment_keys(store::store& s,
                                             const std::vector<crypto::labelled_public_key>& keys) {
  std::set<std::string> out;
  for (const auto& k : keys)
    if (auto key = store::store_key::parse("keys/" + k.label + ".pub"))
      if (auto size = s.backend().stat(*key); size && *size) out.insert(key->str());
  if (auto folder = store::store_key::parse("enrollment"))
    (void)s.backend().list(*folder, [&](const store::list_entry& e) {
      if (!e.is_folder) out.insert("enrollment/" + e.name);
      return true;
    });
  return out;
}

outcome run_enroll(const enroll_request& request) {
  const std::string verb = "bodycam enroll " + request.role + ": ";
  if (request.trust_dir.empty() && request.store_root.empty() && (request.role == "witness" || request.role == "person"))
    return {exit_cannot, verb + "say which store's register gets the entry: --store STORE"};
  if (request.trust_dir.empty() && request.store_root.empty())
    return {exit_cannot, verb + "say where to enroll: --trusted-" + request.role + "s-dir DIR and/or --store STORE"};
  if (!request.trust_dir.empty())
    if (auto ok = check_outside_stores(request.trust_dir, "--trusted-" + request.role + "s-dir"); !ok)
      return {exit_cannot, verb + ok.error().context + " (--store STORE enrolls into a store)"};
  // E4: read and check every key first.
  std::vector<crypto::labelled_public_key> keys;
  for (const auto& file : request.keys) {
    auto key = crypto::load_public_key(file);
    if (!key) return {exit_cannot, verb + key.error().context};
    if (!crypto::is_valid_label(key->label))
      return {exit_cannot, verb + file + ": label '" + key->label + "' is not a valid identity name"};
    if (request.role == "camera")
      if (auto device = record::device_id::parse(key->label); !device)
        return {exit_cannot,
                verb + file + ": label '" + key->label + "' is not a device id: " + device.error().context};
    for (const auto& other : keys)
      if (other.label == key->label && other.key != key->key)
        return {exit_refused, verb + "two different keys named " + key->label + " were given"};
    keys.push_back(std::move(*key));
  }
  const bool in_register = request.signer.is_given() || request.role == "witness" || request.role == "person";
  if (in_register && request.store_root.empty())
    return {exit_cannot, verb + "a register entry needs --store STORE"};
  if (request.role == "person" && request.roles.empty())
    return {exit_cannot, verb + "say what the person may do: --role officer|clerk|supervisor|auditor|admin"};
  std::vector<enrollment::enrollment_entry> drafts;
  for (const auto& key : keys) {
    auto draft = draft_for(request, key);
    if (!draft) return {exit_cannot, verb + draft.error().context};
    drafts.push_back(std::move(*draft));
  }
  std::optional<store::store> evidence_store;
  if (!request.store_root.empty()) {
    auto opened = store::open_directory_store(request.store_root, request.create_store);
    if (!opened)
      return {exit_cannot, verb + "open store " + request.store_root + ": " + opened.error().context +
                               (request.create_store ? "" : " (use --create-store to make a new store)")};
    evidence_store.emplace(std::move(*opened));
  }
  const bool in_keys_folder = request.role == "camera" || request.role == "dock";
  if (in_keys_folder)
    for (const auto& key : keys)
      if (auto ok = check_no_conflict(request.trust_dir, evidence_store ? &*evidence_store : nullptr, key); !ok)
        return {ok.error().code == core::errc::conflict ? exit_refused : exit_cannot, verb + ok.error().context};
  std::optional<register_signer> signer;
  if (in_register) {
    auto loaded = load_register_signer(*evidence_store, request.signer);
    if (!loaded)
      return {loaded.error().code == core::errc::conflict ? exit_refused : exit_cannot, verb + loaded.error().context};
    signer.emplace(std::move(*loaded));
  }
  std::optional<log_key> logger;
  std::set<std::string> before;
  if (evidence_store) {
    auto loaded = load_log_key(*evidence_store, request.signer.log_key);
    if (!loaded) return {exit_cannot, verb + loaded.error().context};
    logger = std::move(*loaded);
    before = stored_enrollment_keys(*evidence_store, keys);
  }
  outcome result;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto& key = keys[i];
    const std::string who = request.role + " " + key.label + " (fingerprint " + key.key.fingerprint().to_hex() + ")";
    result.message += who + "\n";
    auto report = [&](const core::expected<std::string>& done) {
      if (done) {
        result.message += "  " + *done + "\n";
        return;
      }
      result.message += "  " + done.error().context + "\n";
      const int code = done.error().code == core::errc::conflict ? exit_refused : exit_cannot;
      result.exit_code = std::max(result.exit_code, code);
    };
    if (!request.trust_dir.empty()) report(enroll_in_directory(request.trust_dir, key));
    if (evidence_store && in_keys_folder) report(enroll_in_store(*evidence_store, key));
    if (signer) {
      auto done = enroll_in_register(*evidence_store, *signer, drafts[i]);
      const bool refused =
          !done && (done.error().code == core::errc::permission || done.error().code == core::errc::corrupt);
      if (refused) {  // the register does not let this signer enroll, or does not verify
        result.message += "  " + done.error().context + "\n";
        result.exit_code = std::max(result.exit_code, exit_refused);
      } else {
        report(done);
      }
    } else if (evidence_store) {
      result.message += "  not in the enrollment register (no --root-key or --admin-key): the audit will not count "
                        "this key's signatures until it is enrolled there\n";
    }
  }
  if (evidence_store) {
    std::vector<std::string> written;
    for (const auto& k : stored_enrollment_keys(*evidence_store, keys))
      if (!before.contains(k)) written.push_back(k);
    if (!written.empty()) result.message += log_entries_now(*evidence_store, logger, written) + "\n";
  }
  return result;
}

void add_signer_options(CLI::App& cmd, register_signer_options& signer) {
  cmd.add_option("--root-key", signer.root_key,
                 "Sign the register entries with the sealed agency root key (bodycam agency init)");
  cmd.add_option("--passphrase-file", signer.passphrase_file,
                 "The root key's passphrase from FILE (mode 0600); without it the terminal asks");
  cmd.add_option("--admin-key", signer.admin_key,
                 "Sign the register entries with an admin's secret key (a person enrolled with role admin)");
  cmd.add_option("--log-key", signer.log_key,
                 "An enrolled dock's secret key file: log the new entries and keys in the store log at once "
                 "(without it the next dock start-up logs them)");
}

void add_role(CLI::App& enroll, run_result& result, const std::string& role, const std::string& summary,
              const std::string& dir_flag, const std::string& dir_help) {
  auto request = std::make_shared<enroll_request>();
  request->role = role;
  auto* cmd = enroll.add_subcommand(role, summary);
  cmd->add_option("--key", request->keys, "Public key file (bodycam-public-key-v1 <id> <hex>); repeat for several")
      ->required()
      ->check(CLI::ExistingFile);
  if (!dir_flag.empty()) cmd->add_option(dir_flag, request->trust_dir, dir_help);
  cmd->add_option("--store", request->store_root,
                  role == "camera" || role == "dock"
                      ? "Evidence store directory: its keys/<id>.pub gets the key, and with a signer its register"
                      : "Evidence store directory whose enrollment register gets the entry");
  cmd->add_flag("--create-store", request->create_store, "Create the store directory layout if it does not exist");
  add_signer_options(*cmd, request->signer);
  if (role == "person")
    cmd->add_option("--role", request->roles,
                    "officer, clerk, supervisor, auditor or admin; repeat or separate with commas")
        ->required();
  cmd->add_option("--unit", request->unit, "The unit (station, department) the identity belongs to");
  cmd->add_option("--valid-from", request->valid_from, "Start of validity, UTC (default: now)");
  cmd->add_option("--valid-until", request->valid_until, "End of validity, UTC (default: until revoked)");
  cmd->callback([request, &result] {
    outcome o = run_enroll(*request);
    if (!o.message.empty() && o.message.back() != '\n') o.message += '\n';
    std::fputs(o.message.c_str(), o.exit_code == 0 ? stdout : stderr);
    result.exit_code = o.exit_code;
  });
}

struct revoke_request {
  std::string store_root;
  std::uint64_t entry = 0;
  std::string reason;
  std::string at;
  register_signer_options signer;
};

int run_revoke(const revoke_request& request) {
  const std::string verb = "bodycam enroll revoke: ";
  auto fail = [&](const std::string& message, int code) {
    std::fprintf(stderr, "%s%s\n", verb.c_str(), message.c_str());
    return code;
  };
  record::utc_time at{};
  if (!request.at.empty()) {
    auto t = bundle::parse_utc(request.at);
    if (!t) return fail("--at: " + t.error().context, exit_cannot);
    at = *t;
  }
  auto s = store::open_directory_store(request.store_root, false);
  if (!s) return fail("open store " + request.store_root + ": " + s.error().context, exit_cannot);
  auto signer = load_register_signer(*s, request.signer);
  if (!signer) return fail(signer.error().context, signer.error().code == core::errc::conflict ? exit_refused : exit_cannot);
  auto logger = load_log_key(*s, request.signer.log_key);
  if (!logger) return fail(logger.error().context, exit_cannot);
  const auto before = stored_enrollment_keys(*s, {});
  auto done = revoke_in_register(*s, *signer, request.entry, at, request.reason);
  if (!done)
    return fail(done.error().context, done.error().code == core::errc::permission ||
                                              done.error().code == core::errc::corrupt
                                          ? exit_refused
                                          : exit_cannot);
  std::vector<std::string> written;
  for (const auto& k : stored_enrollment_keys(*s, {}))
    if (!before.contains(k)) written.push_back(k);
  std::printf("%s\n%s\n", done->c_str(), log_entries_now(*s, *logger, written).c_str());
  return exit_ok;
}

void add_revoke(CLI::App& enroll, run_result& result) {
  auto request = std::make_shared<revoke_request>();
  auto* cmd = enroll.add_subcommand(
      "revoke", "Revoke an enrollment from a time on: signatures made before it stay valid, none after it count");
  cmd->add_option("--store", request->store_root, "Evidence store directory")->required();
  cmd->add_option("--entry", request->entry, "The enrollment entry to revoke (enrollment/<N>)")->required();
  cmd->add_option("--reason", request->reason, "Why (lost, stolen, left the unit, key compromised, ...)")->required();
  cmd->add_option("--at", request->at, "From when, UTC (default: now); earlier than now if the key was lost before");
  add_signer_options(*cmd, request->signer);
  cmd->callback([request, &result] { result.exit_code = run_revoke(*request); });
}

}  // namespace

void add_enroll(CLI::App& app, run_result& result) {
  auto* enroll = app.add_subcommand(
      "enroll",
      "Register public keys: cameras with a dock (and the store), agency docks with a camera, and, signed by the "
      "agency root or an admin, cameras, docks, witnesses and people in the store's enrollment register; "
      "revoke an enrollment. Create-only: a different key under an enrolled name is refused (exit 2).");
  enroll->require_subcommand(1);
  add_role(*enroll, result, "camera", "Let a dock accept these cameras and put their keys in the store",
           "--trusted-cameras-dir", "The dock's trusted_cameras_dir (gets <device>.pub)");
  add_role(*enroll, result, "dock", "Let a camera offload to these agency docks (and put their keys in the store)",
           "--trusted-docks-dir", "The camera's [offload] trusted_docks_dir (gets <dock-id>.pub)");
  add_role(*enroll, result, "witness", "Enroll a witness (cosigns store checkpoints) in the store's register", "", "");
  add_role(*enroll, result, "person",
           "Enroll a person (officer, clerk, supervisor, auditor, admin) in the store's register; the key file's "
           "label is the person's id",
           "", "");
  add_revoke(*enroll, result);
}

}  // namespace bodycam::tools::verbs
