// bodycam copy: footage out of the store for viewing, the access entry first and its outcome after.
//   bodycam copy STORE --device D --seq N --out FILE …   one segment or annotation file, bit for bit
//   bodycam copy STORE --session ID --out FILE.mp4 …     the whole session as one ordinary MP4 that desktop
//                                                        players play and seek, with FILE.mp4.manifest.json,
//                                                        signed by the clerk (docs/formats/viewing-copy.md)
//   bodycam copy STORE --check FILE.mp4                  the copy against its manifest and the store's originals
// Before any entry it refuses an output inside a store, one that exists or whose folder does not, and a clerk
// key the store's enrollment register does not enroll. Exit codes of --check: 0 the copy is the one its
// manifest describes and every original matches, 1 the same but the manifest lists left-out segments (gaps),
// 2 not authentic (a changed copy or manifest, an original that no longer matches), 3 cannot check.
#include "common/store/directory_backend.hpp"
#include "tools/bundle/playback_copy.hpp"
#include "tools/copy/viewing_copy.hpp"
#include "tools/verbs/clerk_identity.hpp"
#include "tools/verbs/footage_key_options.hpp"
#include "tools/verbs/json_report.hpp"
#include "tools/verbs/log_now.hpp"
#include "tools/verbs/output_path.hpp"
#include "tools/verbs/store_sessions.hpp"
#include "tools/verbs/verb.hpp"

#include <cstdio>
#include <vector>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

namespace {

struct copy_args {
  std::string store;
  std::string device;
  std::uint64_t seq = 0;
  std::string session;
  std::string check;
  bool allow_gaps = false;
  std::string out;
  std::string clerk_key;
  std::string department;
  std::string reference;
  std::string log_key;
  bool has_seq = false;
  footage_key_args footage;
};

// "bodycam copy: <message>" on stderr (json_report.hpp report_error); returns `code`.
int copy_refused(const std::string& message, int code = exit_cannot) {
  return report_error("copy", false, code, message);
}

int code_of(const core::error& e) { return e.code == core::errc::corrupt ? exit_not_authentic : exit_cannot; }

int run_check(const copy_args& args) {
  auto s = store::open_directory_store(args.store, false);
  if (!s) return copy_refused(s.error().context);
  const std::filesystem::path copy_file = args.check;
  auto c = copy::check_viewing_copy(copy_file, copy::manifest_path_of(copy_file), &*s);
  if (!c)
    return copy_refused(c.error().context, c.error().code == core::errc::malformed ? exit_not_authentic : exit_cannot);
  std::printf(
      "copy:      %s\nmanifest:  %s\nsignature: %s\ncopy file: %s\noriginals: %zu checked in the store, "
      "%zu left out as gaps\n",
      args.check.c_str(), copy::manifest_path_of(copy_file).c_str(),
      c->manifest_signed ? "verifies" : "DOES NOT VERIFY",
      c->copy_matches ? "matches the manifest" : "DOES NOT MATCH the manifest", c->originals_checked, c->left_out);
  for (const auto& p : c->problems) std::printf("problem:   %s\n", p.c_str());
  if (!c->authentic()) {
    std::printf("verdict:   not the viewing copy its manifest describes; do not use it\n");
    return exit_not_authentic;
  }
  std::printf("verdict:   the viewing copy its manifest describes, made from originals that are in the store%s\n",
              c->left_out > 0 ? " (with gaps where segments were left out)" : "");
  return c->left_out > 0 ? exit_gaps : exit_ok;
}

int run_session_copy(const copy_args& args, store::store& s, clerk_identity& clerk,
                     const std::optional<log_key>& log_key, std::vector<std::string> written) {
  auto session = session_of_store(s, args.session);
  if (!session) return copy_refused(session.error().context);
  auto sessions = store_sessions(s);
  if (!sessions) return copy_refused(sessions.error().context);
  std::optional<record::device_id> device;
  for (const auto& k : *sessions)
    if (k.session == *session) device = k.device;
  if (!device) return copy_refused("--session " + args.session + ": no device of the store recorded it");
  copy::copy_request request;
  request.device = *device;
  request.session = *session;
  request.out = args.out;
  request.allow_gaps = args.allow_gaps;
  request.person = clerk.id;
  request.department = args.department;
  request.reference = args.reference;
  request.now = utc_now();
  auto chest = make_footage_key_chest(args.footage);
  if (!chest) return copy_refused(chest.error().context);
  if (*chest) request.footage_keys = &**chest;
  auto done = copy::make_viewing_copy(s, request, *clerk.signer);
  if (!done) return copy_refused(done.error().context, code_of(done.error()));
  std::size_t left_out = 0;
  for (const auto& g : done->manifest.segments) left_out += g.left_out.empty() ? 0U : 1U;
  std::printf(
      "copy:         %s (%zu segments, %.3f s, sha256 %s)\nmanifest:     %s\naccess entry: %s\noutcome:      "
      "%s\n",
      args.out.c_str(), done->manifest.segments.size() - left_out,
      static_cast<double>(done->manifest.copy_duration.count()) / 1e6, done->manifest.copy_sha256.to_hex().c_str(),
      done->manifest_path.c_str(), done->access_entry.c_str(), done->outcome_entry.c_str());
  for (const auto& g : done->manifest.segments)
    if (!g.left_out.empty())
      std::printf(
          "gap:          segment %u (record %llu, %s): %s; %.3f s of the copy from %.3f s show no new "
          "picture\n",
          g.index, static_cast<unsigned long long>(g.seq), g.file_name.c_str(), g.left_out.c_str(),
          static_cast<double>(g.duration.count()) / 1e6, static_cast<double>(g.start.count()) / 1e6);
  written.push_back(done->access_entry);
  written.push_back(done->outcome_entry);
  std::printf("%s\ncheck with:   bodycam copy %s --check %s\n", log_entries_now(s, log_key, written).c_str(),
              args.store.c_str(), args.out.c_str());
  return left_out > 0 ? exit_gaps : exit_ok;
}

int run_copy(const copy_args& args) {
  if (!args.check.empty()) {
    if (!args.session.empty() || !args.device.empty() || args.has_seq || !args.out.empty())
      return copy_refused("--check COPY takes no --session, --device, --seq or --out", exit_usage);
    return run_check(args);
  }
  const bool by_session = !args.session.empty();
  if (by_session == (!args.device.empty() || args.has_seq))
    return copy_refused("give either --session ID (the whole session as one MP4) or --device ID --seq N (one file)",
                        exit_usage);
  if (!by_session && (args.device.empty() || !args.has_seq))
    return copy_refused("--device and --seq go together", exit_usage);
  if (args.allow_gaps && !by_session) return copy_refused("--allow-gaps goes with --session", exit_usage);
  std::vector<std::string> missing;
  for (const auto& [flag, value] :
       {std::pair{"--out", &args.out}, std::pair{"--clerk-key", &args.clerk_key},
        std::pair{"--department", &args.department}, std::pair{"--reference", &args.reference}})
    if (value->empty()) missing.push_back(flag);
  if (!missing.empty()) {
    std::string text = "missing";
    for (const auto& m : missing) text += " " + m;
    return copy_refused(text + " (see bodycam copy --help)", exit_usage);
  }
  std::optional<record::device_id> device;
  if (!by_session) {
    auto d = record::device_id::parse(args.device);
    if (!d) return copy_refused("--device: " + d.error().context);
    device = *d;
  }
  if (auto ok = check_output_path(args.out, "--out", replace_policy::never); !ok)
    return copy_refused(ok.error().context);
  if (by_session)
    if (auto ok = check_output_path(copy::manifest_path_of(args.out), "--out (its manifest)", replace_policy::never);
        !ok)
      return copy_refused(ok.error().context);
  auto clerk = load_clerk(args.clerk_key);
  if (!clerk) return copy_refused(clerk.error().context);
  auto s = store::open_directory_store(args.store, false);
  if (!s) return copy_refused(s.error().context);
  if (auto ok = check_clerk_key_in_store(*s, *clerk); !ok) return copy_refused(ok.error().context);
  auto log_key = load_log_key(*s, args.log_key);
  if (!log_key) return copy_refused(log_key.error().context);
  const auto new_keys = not_yet_stored(*s, {"keys/" + clerk->id + ".pub"});
  if (by_session) return run_session_copy(args, *s, *clerk, *log_key, new_keys);
  auto chest = make_footage_key_chest(args.footage);
  if (!chest) return copy_refused(chest.error().context);
  bundle::playback_request request{*device,       args.seq, args.out, clerk->id, args.department, args.reference,
                                   utc_now(), *chest ? &**chest : nullptr};
  auto entry = bundle::copy_for_playback(*s, request, *clerk->signer);
  if (!entry) return copy_refused(entry.error().context, code_of(entry.error()));
  // The outcome entry follows the access entry (playback_copy.hpp invariant 3): the clerk's next entry.
  std::vector<std::string> written = new_keys;
  written.push_back(*entry);
  if (const auto dot = entry->rfind('.'); dot != std::string::npos)
    written.push_back(entry->substr(0, dot + 1) + std::to_string(std::stoull(entry->substr(dot + 1)) + 1));
  std::printf("copy:         %s\naccess entry: %s\n%s\n", args.out.c_str(), entry->c_str(),
              log_entries_now(*s, *log_key, written).c_str());
  return 0;
}

}  // namespace

void add_copy(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand("copy",
                                 "Copy footage for viewing: one file, or a whole session as one MP4 with a signed "
                                 "manifest (registers the access first, its outcome after); --check checks a copy");
  auto args = std::make_shared<copy_args>();
  cmd->add_option("store", args->store, "The store's directory")->required();
  cmd->add_option("--session", args->session,
                  "The session to copy as one MP4 (32 hex digits, or a unique start of them); its manifest is "
                  "written beside it as FILE.manifest.json");
  cmd->add_option("--device", args->device, "With --seq: the device of the one file to copy");
  cmd->add_option("--seq", args->seq, "With --device: the segment, annotation or photo record whose file to copy")
      ->each([args](const std::string&) { args->has_seq = true; });
  cmd->add_flag("--allow-gaps", args->allow_gaps,
                "With --session: leave out a segment that is missing or does not match its record, keep its time "
                "as a gap and list it in the manifest (exit 1), instead of refusing");
  cmd->add_option("--out", args->out, "The file to create (must not exist)");
  cmd->add_option("--check", args->check,
                  "Check this viewing copy against its manifest (beside it) and the store's originals; makes "
                  "nothing");
  cmd->add_option("--clerk-key", args->clerk_key, "The clerk's secret key file (not with --check)");
  cmd->add_option("--department", args->department, "The clerk's department");
  cmd->add_option("--reference", args->reference, "Why: the case or request number");
  cmd->add_option("--log-key", args->log_key,
                  "An enrolled dock's secret key file: log the access entries in the store log at once (without "
                  "it the next dock start-up logs them)");
  add_footage_key_options(*cmd, args->footage);
  cmd->callback([args, &result] { result.exit_code = run_copy(*args); });
}

}  // namespace bodycam::tools::verbs
