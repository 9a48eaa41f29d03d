// bodycam export: a court bundle for one session or a device's time range, after writing the clerk's entry
// in the store's access register (refused if that cannot be written), and its outcome after. Prints where the
// bundle is. Two-person export (docs/formats/access-register.md §3 rule 5): `--request` only stores the
// clerk's signed request for that selection; `--approved REQUEST` builds the bundle of a request a supervisor
// approved (bodycam approve), by the clerk who made it, within 7 days; an export made without either is still
// built but the audit lists it as export_unapproved.
// Refuses, before any entry, an output inside a store or one that exists or whose folder does not, and a
// clerk key that the store holds for a camera or dock (bodycam copy, in copy.cpp, does the same).
// Encrypted footage needs the agency footage key (--footage-key, as bodycam decrypt); it is decrypted into the
// bundle only after the access entry is stored, and refused without a key before any entry (bundle_export.hpp
// invariant 6). --to-recipient: one sealed file, its plain bundle only in a private folder and removed; a failed
// sealing leaves nothing and its outcome says failed (bundle_export.hpp invariant 7).
#include "common/crypto/footage_key_file.hpp"
#include "common/store/directory_backend.hpp"
#include "tools/audit/approval_state.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "tools/bundle/sealed_bundle.hpp"
#include "tools/enrollment/enrollment_store.hpp"
#include "tools/verbs/clerk_identity.hpp"
#include "tools/verbs/footage_key_options.hpp"
#include "tools/verbs/json_report.hpp"
#include "tools/verbs/log_now.hpp"
#include "tools/verbs/output_path.hpp"
#include "tools/verbs/progress_meter.hpp"
#include "tools/verbs/store_sessions.hpp"
#include "tools/verbs/verb.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

namespace {

struct export_args {
  std::string store;
  std::string out;
  std::string session;
  std::string device;
  std::string from;
  std::string to;
  std::string clerk_key;
  std::string department;
  std::string reference;
  std::string log_key;
  std::string approved;  // --approved REQUEST
  bool request = false;  // --request
  bool quiet = false;
  footage_key_args footage;
  std::string to_recipient;  // --to-recipient PUB: the bundle sealed to this footage public key
};

// "bodycam export: <message>" on stderr (json_report.hpp report_error); returns `code`.
int export_refused(const std::string& message, int code = exit_cannot) {
  return report_error("export", false, code, message);
}

int build_bundle(const export_args& args, bundle::export_request request, const std::string& approved = {});

std::string request_name(std::string name) {
  if (name.starts_with("access/")) name = name.substr(std::string_view("access/").size());
  return name;
}

// --request: the clerk's signed request for `what`; nothing is copied.
int store_request(const export_args& args, bundle::selection what) {
  auto clerk = load_clerk(args.clerk_key);
  if (!clerk) return export_refused(clerk.error().context);
  auto s = store::open_directory_store(args.store, false);
  if (!s) return export_refused(s.error().context);
  if (auto ok = check_clerk_key_in_store(*s, *clerk); !ok) return export_refused(ok.error().context);
  auto log_key = load_log_key(*s, args.log_key);
  if (!log_key) return export_refused(log_key.error().context);
  record::device_id device = what.device ? *what.device : record::device_id{};
  if (!args.session.empty()) {
    auto session = session_of_store(*s, args.session);
    if (!session) return export_refused(session.error().context);
    what.session = *session;
    auto sessions = store_sessions(*s);
    if (!sessions) return export_refused(sessions.error().context);
    for (const auto& k : *sessions)
      if (k.session == *session) device = k.device;
  }
  const auto new_keys = not_yet_stored(*s, {"keys/" + clerk->id + ".pub"});
  registers::register_entry e;
  e.kind = registers::entry_kind::access;
  e.utc = utc_now();
  e.department = args.department;
  e.reference = args.reference;
  e.action = std::string(registers::export_request_action);
  e.scopes.push_back(bundle::request_scope(what, device));
  auto stored = registers::append_entry(*s, store::entry_namespace::access, clerk->id, std::move(e), *clerk->signer);
  if (!stored) return export_refused(stored.error().context);
  const std::string name = "access/" + registers::entry_name(stored->body);
  std::vector<std::string> written = new_keys;
  written.push_back(name);
  std::printf("request:      %s\nnext:         a supervisor approves it: bodycam approve %s %s --clerk-key "
              "SUPERVISOR.key --department DEPT\n%s\n",
              name.c_str(), args.store.c_str(), name.c_str(), log_entries_now(*s, *log_key, written).c_str());
  return 0;
}

int run_approved_export(const export_args& args, bundle::export_request request) {
  return build_bundle(args, std::move(request), request_name(args.approved));
}

int run_export(const export_args& args) {
  bundle::export_request request;
  request.out = args.out;
  request.department = args.department;
  request.reference = args.reference;
  request.now = utc_now();
  if (args.request && !args.approved.empty())
    return export_refused("give --request or --approved, not both", exit_usage);
  if (args.request && !args.out.empty())
    return export_refused("--request stores a request only; --out goes with --approved, once a supervisor approved it",
                          exit_usage);
  if (!args.request && args.out.empty()) return export_refused("--out BUNDLE is required", exit_usage);
  if (!args.approved.empty()) {
    if (!args.session.empty() || !args.device.empty() || !args.from.empty() || !args.to.empty())
      return export_refused(
          "--approved REQUEST takes what to export from the request; give no --session, --device, "
          "--from or --to",
          exit_usage);
    if (args.department.empty()) return export_refused("--department is required", exit_usage);
    return run_approved_export(args, request);
  }
  if (args.department.empty() || args.reference.empty())
    return export_refused("--department and --reference (the case or request number) are required");
  if (!args.session.empty()) {
    if (!args.device.empty() || !args.from.empty() || !args.to.empty())
      return export_refused("give either --session or --device with --from and --to");
    // Resolved against the store once it is open (a unique start of the id is enough); its form is checked
    // now, before the clerk's key or the store is opened.
    const bool hex = args.session.size() <= 32 && std::all_of(args.session.begin(), args.session.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
    if (!hex)
      return export_refused(
          "--session: expected up to 32 hex digits (the whole session id or a unique start of it), got '" +
          args.session + "'");
  } else {
    if (args.device.empty() || args.from.empty() || args.to.empty())
      return export_refused("give either --session ID or --device ID --from T --to T");
    auto device = record::device_id::parse(args.device);
    if (!device) return export_refused("--device: " + device.error().context);
    auto from = bundle::parse_utc(args.from);
    if (!from) return export_refused("--from: " + from.error().context);
    auto to = bundle::parse_utc(args.to);
    if (!to) return export_refused("--to: " + to.error().context);
    if (*to < *from) return export_refused("--to is before --from");
    request.what.device = *device;
    request.what.from = *from;
    request.what.to = *to;
  }
  if (args.request) return store_request(args, request.what);
  return build_bundle(args, request);
}

int build_bundle(const export_args& args, bundle::export_request request, const std::string& approved) {
  if (auto ok = check_output_path(args.out, "--out", replace_policy::never); !ok)
    return export_refused(ok.error().context);
  auto chest = make_footage_key_chest(args.footage);
  if (!chest) return export_refused(chest.error().context);
  if (*chest) request.footage_keys = &**chest;
  std::optional<crypto::labelled_footage_public_key> recipient;
  if (!args.to_recipient.empty()) {  // sealed by export_bundle (its invariant 7): no plain bundle is left
    auto key = crypto::load_footage_public_key(args.to_recipient);
    if (!key) return export_refused("--to-recipient: " + key.error().context);
    recipient = *key;
    request.seal_to = &recipient->key;
  }
  auto clerk = load_clerk(args.clerk_key);
  if (!clerk) return export_refused(clerk.error().context);
  request.clerk_id = clerk->id;
  auto s = store::open_directory_store(args.store, false);
  if (!s) return export_refused(s.error().context);
  if (auto ok = check_clerk_key_in_store(*s, *clerk); !ok) return export_refused(ok.error().context);
  auto log_key = load_log_key(*s, args.log_key);
  if (!log_key) return export_refused(log_key.error().context);
  if (!approved.empty()) {  // rule 5: only the requester, only an approved request, within 7 days
    auto root = enrollment::get_store_root(*s);
    if (!root) return export_refused(root.error().context);
    if (!*root)
      return export_refused("store " + s->describe() + " has no enrollment register: no one can approve exports");
    auto approvals = audit::read_export_approvals(*s, **root);
    if (!approvals) return export_refused(approvals.error().context, exit_not_authentic);
    const auto* status = (*approvals)->approvals.find(approved);
    if (status == nullptr) return export_refused("--approved access/" + approved + ": no export request has that name");
    if (auto why = registers::why_not_export(*status, clerk->id, request.now)) return export_refused(*why);
    if (args.reference != status->request->body.reference)
      return export_refused("--reference '" + args.reference + "' is not the reference of request access/" + approved +
                            " ('" + status->request->body.reference + "')");
    auto what = bundle::selection_of_request(status->request->body);
    if (!what) return export_refused(what.error().context);
    request.what = *what;
    request.reference = registers::export_reference(approved);
  } else if (!args.session.empty()) {
    auto session = session_of_store(*s, args.session);
    if (!session) return export_refused(session.error().context);
    request.what.session = *session;
  }
  const auto new_keys = not_yet_stored(*s, {"keys/" + clerk->id + ".pub"});
  progress_meter meter("export", args.quiet);
  if (meter.enabled())
    request.on_progress = [&meter](std::size_t files, std::size_t count, std::uint64_t bytes) {
      meter.update(std::to_string(files) + "/" + std::to_string(count) + " files copied and re-hashed, " +
                   human_bytes(bytes));
    };
  auto done = bundle::export_bundle(*s, request, *clerk->signer);
  meter.finish();
  if (!done) return export_refused(done.error().context, done.error().code == core::errc::corrupt ? 2 : exit_cannot);
  std::string sealed_line;
  if (recipient && done->sealed) {
    const auto* sealed = &*done->sealed;
    sealed_line = "sealed to:    " + recipient->label + " (footage key id " + recipient->key.key_id().to_hex() +
                  "); archive sha256 " + sealed->archive_sha256.to_hex() + ", " + std::to_string(sealed->archive_bytes) +
                  " bytes\nopen with:    bodycam decrypt " + args.out + " --footage-key footage-" +
                  recipient->key.key_id().to_hex() + ".sealed --out bundle.tar && tar -xf bundle.tar\n";
  }
  std::vector<std::string> written = new_keys;
  written.push_back(done->access_entry);
  written.push_back(done->outcome_entry);
  const std::string logged = log_entries_now(*s, *log_key, written);
  std::string proofs = "none: the store has no log";
  if (done->log_present) {
    proofs = std::to_string(done->log_proven) + " item(s) proven in the checkpoint of size " +
             std::to_string(done->log_tree_size) +
             (done->log_witnesses.empty() ? std::string(", which no witness has cosigned yet") : ", cosigned by");
    for (const auto& w : done->log_witnesses) proofs += " " + w;
    if (!done->log_unlogged.empty())
      proofs += "; " + std::to_string(done->log_unlogged.size()) +
                " item(s) not in the log yet (no proof; listed in manifest.json), e.g. " + done->log_unlogged.front();
  }
  if (done->decrypted > 0) {
    std::string ids;
    for (const auto& id : done->footage_key_ids) ids += (ids.empty() ? "" : ", ") + id;
    std::printf("decrypted:    %zu encrypted file(s), after the access entry, with footage key id %s\n",
                done->decrypted, ids.c_str());
  }
  std::printf("%s", sealed_line.c_str());
  std::printf(
      "bundle:       %s\naccess entry: %s\noutcome:      %s\nrecords:      %zu\nfiles:        %zu\n"
      "log proofs:   %s\n%s\ncheck with:   bodycam verify %s\n",
      done->bundle.c_str(), done->access_entry.c_str(), done->outcome_entry.c_str(), done->records, done->files,
      proofs.c_str(), logged.c_str(), recipient ? "bundle (the folder tar -xf gives)" : done->bundle.c_str());
  return 0;
}

}  // namespace

void add_export(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand("export", "Export a court bundle (registers the access first)");
  auto args = std::make_shared<export_args>();
  cmd->add_option("store", args->store, "The store's directory")->required();
  cmd->add_option("--out", args->out, "The bundle folder to create (must not exist; not with --request)");
  cmd->add_option("--session", args->session, "The session id (32 hex digits, or a unique start of it)");
  cmd->add_option("--device", args->device, "A device id, with --from and --to");
  cmd->add_option("--from", args->from, "Start of the time range, RFC 3339 UTC (2026-11-18T08:00:00Z)");
  cmd->add_option("--to", args->to, "End of the time range, RFC 3339 UTC");
  cmd->add_option("--clerk-key", args->clerk_key, "The clerk's secret key file (bodycam keygen --id <clerk>)")
      ->required();
  cmd->add_option("--department", args->department, "The clerk's department")->required();
  cmd->add_option("--reference", args->reference,
                  "Why: the case or request number (with --approved: the request's, checked against it)")
      ->required();
  cmd->add_flag("--request", args->request,
                "Only store a signed request to export this selection; a supervisor approves it (bodycam approve)");
  cmd->add_option("--approved", args->approved,
                  "Build the bundle of this approved request (access/<clerk>.<seq>, made by you, approved by a "
                  "supervisor within the last 7 days)");
  cmd->add_option("--log-key", args->log_key,
                  "An enrolled dock's secret key file: log the access entries in the store log at once (without "
                  "it the next dock start-up logs them)");
  cmd->add_flag("--quiet", args->quiet, "No progress line (shown on a terminal only, on stderr)");
  add_footage_key_options(*cmd, args->footage);
  cmd->add_option("--to-recipient", args->to_recipient,
                  "Seal the bundle to this footage public key (footage-<id>.pub): --out is then one encrypted file "
                  "only the recipient opens (bodycam decrypt, then tar -xf); no plain bundle is left");
  cmd->callback([args, &result] { result.exit_code = run_export(*args); });
}

}  // namespace bodycam::tools::verbs
