// bodycam retention: `hold` places a hold (evidence, complaint, major_incident, legal_hold) on a session or a
// device's time range; `expire` shows what is past the retention period and no hold covers (the dry run),
// `expire --request` signs a request naming exactly those files, and after a supervisor other than the
// requester approved it (bodycam approve), `expire --approved` by the requester deletes the files of the
// request still due, after writing the signed expiry event (docs/formats/access-register.md §3 rule 6).
// Records are never deleted.
// A hold is checked against the store before it is signed (tools/retention/hold_scope.hpp): the device has
// records, the session is that device's (any unique start of its id), the scope is not already held; the
// answer says how many files it holds. `release --hold` requests the end of one hold in force, and after a
// supervisor other than the requester approved (bodycam approve), `release --approved` by the requester ends it
// by a signed entry naming it (docs/formats/access-register.md §3 rule 3); nothing is deleted by it.
#include "common/record/record_json.hpp"
#include "common/store/directory_backend.hpp"
#include "tools/audit/approval_state.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "tools/enrollment/enrollment_store.hpp"
#include "tools/registers/export_approval.hpp"
#include "tools/registers/hold_release.hpp"
#include "tools/registers/register_book.hpp"
#include "tools/retention/retention_actions.hpp"
#include "tools/verbs/clerk_identity.hpp"
#include "tools/verbs/json_report.hpp"
#include "tools/verbs/log_now.hpp"
#include "tools/verbs/retention_store.hpp"
#include "tools/verbs/verb.hpp"
#include "tools/verbs/verb_store.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <expected>
#include <map>
#include <memory>
#include <set>
#include <string_view>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

namespace {

struct retention_args {
  std::string store;
  std::string store_config;
  std::string clerk_key;
  std::string department;
  std::string reference;
  // hold
  std::string reason;
  std::string session;
  std::string device;
  std::string from;
  std::string to;
  // release
  std::string hold;
  // expire
  int days = static_cast<int>(retention::minimum_retention.count());
  bool dry_run = false;
  bool request = false;
  std::string approved;
  bool verbose = false;
  std::string log_key;
};

// "bodycam retention: <message>" on stderr (json_report.hpp report_error); returns `code`.
int retention_refused(const std::string& message, int code = exit_cannot) {
  return report_error("retention", false, code, message);
}

// The entry just written, logged at once when a log key was given (log_now.hpp).
void announce_log(store::store& s, const std::optional<log_key>& key, std::vector<std::string> written,
                  const registers::signed_entry& stored) {
  written.push_back("retention/" + registers::entry_name(stored.body));
  std::printf("%s\n", log_entries_now(s, key, written).c_str());
}

// The store as the user named it, for the next command this verb suggests.
std::string store_arg(const retention_args& args) {
  return args.store_config.empty() ? args.store : "--store-config " + args.store_config;
}

std::string with_clerk(const retention_args& args) {
  return store_arg(args) + " --clerk-key KEY --department '" + (args.department.empty() ? "DEPT" : args.department) + "'";
}

retention::signing_clerk signing(const retention_args& args, const clerk_identity& clerk) {
  return {clerk.id, args.department, clerk.signer.get(), utc_now()};
}

// The trusted root of the store's enrollment register, or a refusal ending with `nothing`.
std::expected<crypto::public_key, retention::refusal> store_root(const store::store& s, std::string_view nothing) {
  auto root = enrollment::get_store_root(s);
  if (!root) return std::unexpected(retention::refusal{root.error().context});
  if (!*root)
    return std::unexpected(
        retention::refusal{"store " + s.describe() + " has no enrollment register; " + std::string(nothing)});
  return **root;
}

int retention_refused(const retention::refusal& r) {
  return retention_refused(r.message, r.not_authentic ? exit_not_authentic : exit_cannot);
}

// Ends the hold that an approved release request names (§3 rule 3), by the requester within 7 days.
int release_approved(const retention_args& args, store::store& s, const clerk_identity& clerk) {
  auto root = store_root(s, "no hold released");
  if (!root) return retention_refused(root.error());
  auto log_key = load_log_key(s, args.log_key);
  if (!log_key) return retention_refused(log_key.error().context);
  const auto new_keys = not_yet_stored(s, {"keys/" + clerk.id + ".pub"});
  auto in_force_before = retention::read_holds_in_force(s, "no hold released");
  if (!in_force_before) return retention_refused(in_force_before.error().context, exit_not_authentic);
  auto released = retention::release_approved(s, *root, args.approved, signing(args, clerk));
  if (!released) return retention_refused(released.error());
  std::printf(
      "hold retention/%s (%s) released by retention/%s (request retention/%s, approved by %s); its files are "
      "under the retention policy again\n",
      released->hold.c_str(), released->reason.c_str(), registers::entry_name(released->entry.body).c_str(),
      released->request.c_str(), released->approver.c_str());
  // The engine's legal holds on what no other hold in force keeps are lifted (legal_hold_items.hpp).
  std::vector<retention::hold> let_go, remaining;
  for (const auto& h : *in_force_before) (h.entry == "retention/" + released->hold ? let_go : remaining).push_back(h);
  std::vector<retention::media_item> records;
  auto items = retention::stored_media(s, nullptr, &records);
  if (!items)
    return retention_refused("hold released, but reading the store for its legal holds failed: " +
                             items.error().context);
  auto engine = apply_legal_holds(s, retention::items_released(let_go, remaining, *items, records), false);
  if (!engine)
    return retention_refused("hold released, but releasing the store's legal holds failed: " + engine.error().context);
  if (*engine) std::printf("%s\n", (*engine)->c_str());
  announce_log(s, *log_key, new_keys, released->entry);
  return exit_ok;
}

// Asks for the release of one hold in force (§3 rule 3); a supervisor other than the requester decides.
int run_release(const retention_args& args) {
  if (args.hold.empty() == args.approved.empty())
    return retention_refused("give --hold (to request a release) or --approved (to release), one of them", exit_usage);
  auto clerk = load_clerk(args.clerk_key);
  if (!clerk) return retention_refused(clerk.error().context);
  auto s = open_verb_store(args.store, args.store_config);
  if (!s) return retention_refused(s.error().context);
  if (auto ok = check_clerk_key_in_store(*s, *clerk, enrollment::signature_kind::retention_entry); !ok)
    return retention_refused(ok.error().context);
  if (!args.approved.empty()) return release_approved(args, *s, *clerk);
  if (args.reference.empty()) return retention_refused("--reference is required: why the hold ends", exit_usage);
  std::string name = args.hold;
  if (name.starts_with("retention/")) name = name.substr(std::string_view("retention/").size());
  auto in_force = retention::read_holds_in_force(*s, "no release requested");
  if (!in_force) return retention_refused(in_force.error().context, exit_not_authentic);
  if (!retention::find_hold(*in_force, name))
    return retention_refused("--hold retention/" + name + ": no hold in force has that name (bodycam audit lists the " +
                             "retention register); nothing released");
  auto log_key = load_log_key(*s, args.log_key);
  if (!log_key) return retention_refused(log_key.error().context);
  const auto new_keys = not_yet_stored(*s, {"keys/" + clerk->id + ".pub"});
  auto requested = retention::request_release(*s, name, args.reference, signing(args, *clerk));
  if (!requested) return retention_refused("release request not written: " + requested.error().context);
  const std::string request = "retention/" + registers::entry_name(requested->entry.body);
  std::printf(
      "requested:    %s asks to release hold retention/%s (%s); nothing released yet\n"
      "next:         a supervisor other than %s approves it: bodycam approve %s %s --clerk-key KEY "
      "--department DEPT\n"
      "then:         %s releases: bodycam retention release %s --approved %s\n",
      request.c_str(), name.c_str(), requested->held.reason.c_str(), clerk->id.c_str(), store_arg(args).c_str(),
      request.c_str(), clerk->id.c_str(), with_clerk(args).c_str(), request.c_str());
  announce_log(*s, *log_key, new_keys, requested->entry);
  return exit_ok;
}

int run_hold(const retention_args& args) {
  if (!registers::is_hold_reason(args.reason))
    return retention_refused("--reason '" + args.reason + "': use evidence, complaint, major_incident or legal_hold");
  retention::hold_wanted wanted;
  wanted.reason = args.reason;
  wanted.reference = args.reference;
  wanted.session = args.session;
  if (args.device.empty())
    return retention_refused("--device is required (the device the session or range belongs to)");
  auto device = record::device_id::parse(args.device);
  if (!device) return retention_refused("--device: " + device.error().context);
  wanted.device = *device;
  if (args.session.empty()) {
    if (args.from.empty()) return retention_refused("give --session, or --from (and optionally --to) for a time range");
    auto from = bundle::parse_utc(args.from);
    if (!from) return retention_refused("--from: " + from.error().context);
    wanted.from = *from;
    if (!args.to.empty()) {
      auto to = bundle::parse_utc(args.to);
      if (!to) return retention_refused("--to: " + to.error().context);
      wanted.to = *to;
    }
  }
  auto clerk = load_clerk(args.clerk_key);
  if (!clerk) return retention_refused(clerk.error().context);
  auto s = open_verb_store(args.store, args.store_config);
  if (!s) return retention_refused(s.error().context);
  if (auto ok = check_clerk_key_in_store(*s, *clerk, enrollment::signature_kind::retention_entry); !ok)
    return retention_refused(ok.error().context);
  auto log_key = load_log_key(*s, args.log_key);
  if (!log_key) return retention_refused(log_key.error().context);
  const auto new_keys = not_yet_stored(*s, {"keys/" + clerk->id + ".pub"});
  auto placed = retention::place_hold(*s, wanted, signing(args, *clerk));
  if (!placed) return retention_refused(placed.error().context + "; no hold placed");
  const auto& sc = placed->placed;
  std::printf("hold placed: retention/%s (%s) on %s; it holds %zu file(s), %llu bytes, now\n",
              registers::entry_name(placed->entry.body).c_str(), args.reason.c_str(),
              sc.session.is_none() ? ("device " + sc.device.str() + " in the time range").c_str()
                                   : ("session " + sc.session.to_hex() + " of " + sc.device.str()).c_str(),
              placed->coverage.files, static_cast<unsigned long long>(placed->coverage.bytes));
  // The engine's own hold too, where the store has one (S3 Object Lock), once the hold is recorded.
  std::vector<retention::media_item> records;
  auto items = retention::stored_media(*s, nullptr, &records);
  if (!items)
    return retention_refused(
        "hold " + placed->placed.entry +
        " is recorded, but reading the store for its legal holds failed: " + items.error().context);
  auto engine = apply_legal_holds(*s, retention::items_held_by({placed->placed}, *items, records), true);
  if (!engine)
    return retention_refused("hold " + placed->placed.entry +
                             " is recorded, but placing the store's legal holds failed: " + engine.error().context);
  if (*engine) std::printf("%s\n", (*engine)->c_str());
  announce_log(*s, *log_key, new_keys, placed->entry);
  return 0;
}

// Counts per outcome, each explained: what `due`, `young` (keep_young) and `held` (keep_held) mean.
std::string expire_summary(const std::vector<retention::decision>& decisions, int days) {
  struct tally {
    std::size_t files = 0;
    std::uint64_t bytes = 0;
  };
  std::map<retention::outcome, tally> t;
  for (const auto& d : decisions) {
    ++t[d.result].files;
    t[d.result].bytes += d.item.byte_length;
  }
  auto line = [&](retention::outcome o, const char* label, const std::string& meaning) {
    return "  " + std::string(label) + " (" + std::string(retention::to_string(o)) +
           "): " + std::to_string(t[o].files) + " file(s), " + std::to_string(t[o].bytes) + " bytes — " + meaning +
           "\n";
  };
  const std::string d = std::to_string(days);
  return "of " + std::to_string(decisions.size()) + " stored media file(s):\n" +
         line(retention::outcome::expire, "due  ",
              "their session ended more than " + d + " days ago and no hold covers them") +
         line(
             retention::outcome::keep_young, "young",
             "their session ended less than " + d + " days ago; each is kept until its session is " + d + " days old") +
         line(retention::outcome::keep_held, "held ",
              "a hold in the retention register (evidence, complaint, major incident, legal hold) covers them; "
              "they stay until the hold is released, however old") +
         "records are never deleted; --verbose lists every file with its reason\n";
}

// Writes the signed request naming exactly the files the dry run listed (§3 rule 6).
int request_expiry(const retention_args& args, store::store& s, const std::vector<const retention::decision*>& due) {
  if (args.department.empty() || args.reference.empty())
    return retention_refused("--request needs --clerk-key, --department and --reference (why: the policy or case)",
                             exit_usage);
  auto clerk = load_clerk(args.clerk_key);
  if (!clerk) return retention_refused(clerk.error().context);
  if (auto ok = check_clerk_key_in_store(s, *clerk, enrollment::signature_kind::retention_entry); !ok)
    return retention_refused(ok.error().context);
  auto log_key = load_log_key(s, args.log_key);
  if (!log_key) return retention_refused(log_key.error().context);
  const auto new_keys = not_yet_stored(s, {"keys/" + clerk->id + ".pub"});
  auto stored = retention::request_expiry(s, due, args.reference, signing(args, *clerk));
  if (!stored) return retention_refused(stored.error().context);
  const std::string name = "retention/" + registers::entry_name(stored->body);
  std::printf(
      "requested:    %s names the %zu file(s) above; nothing deleted\n"
      "next:         a supervisor other than %s approves it: bodycam approve %s %s --clerk-key KEY "
      "--department DEPT\n"
      "then:         %s expires: bodycam retention expire %s --approved %s\n",
      name.c_str(), due.size(), clerk->id.c_str(), store_arg(args).c_str(), name.c_str(), clerk->id.c_str(),
      with_clerk(args).c_str(), name.c_str());
  announce_log(s, *log_key, new_keys, *stored);
  return exit_ok;
}

// Deletes the files that the approved request names and that are still due now (§3 rule 6): a file added since
// the request is not in it, and a hold placed since keeps the files it covers.
int expire_approved(const retention_args& args, store::store& s, const std::vector<retention::decision>& decisions) {
  auto clerk = load_clerk(args.clerk_key);
  if (!clerk) return retention_refused(clerk.error().context);
  if (auto ok = check_clerk_key_in_store(s, *clerk, enrollment::signature_kind::retention_entry); !ok)
    return retention_refused(ok.error().context);
  auto root = store_root(s, "nothing expired");
  if (!root) return retention_refused(root.error());
  auto log_key = load_log_key(s, args.log_key);
  if (!log_key) return retention_refused(log_key.error().context);
  const auto new_keys = not_yet_stored(s, {"keys/" + clerk->id + ".pub"});
  auto done = retention::expire_approved(s, *root, args.approved, decisions, args.days, signing(args, *clerk));
  if (!done) return retention_refused(done.error());
  if (done->held > 0)
    std::printf("kept:         %zu file(s) of the request, because a hold placed since the request covers them\n",
                done->held);
  if (done->young > 0) std::printf("kept:         %zu file(s) of the request that are not due under --days\n", done->young);
  if (done->unrequested > 0)
    std::printf("not in it:    %zu due file(s) the request does not name stay; request them anew to expire them\n",
                done->unrequested);
  if (!done->event) {
    std::printf("nothing to do: no file of retention/%s is still due; nothing deleted\n", done->request.c_str());
    return exit_ok;
  }
  std::printf("expired %zu file(s) under retention/%s (request retention/%s, approved by %s); their records stay\n",
              done->removed, registers::entry_name(done->event->body).c_str(), done->request.c_str(),
              done->approver.c_str());
  announce_log(s, *log_key, new_keys, *done->event);
  return exit_ok;
}

int run_expire(const retention_args& args) {
  if (args.request && !args.approved.empty())
    return retention_refused("give --request or --approved, not both", exit_usage);
  auto s = open_verb_store(args.store, args.store_config);
  if (!s) return retention_refused(s.error().context);
  auto decisions = retention::expiry_plan(*s, utc_now(), std::chrono::days(args.days));
  if (!decisions)
    return retention_refused(decisions.error().context,
                             decisions.error().code == core::errc::corrupt ? 2 : exit_cannot);
  for (const auto& d : *decisions)
    if (args.verbose)
      std::printf("%-10s %s seq %llu %s: %s\n", std::string(retention::to_string(d.result)).c_str(),
                  d.item.device.str().c_str(), static_cast<unsigned long long>(d.item.seq), d.item.file_name.c_str(),
                  d.why.c_str());
  const auto expiring = retention::due_files(*decisions);
  std::fputs(expire_summary(*decisions, args.days).c_str(), stdout);
  if (!args.approved.empty()) return expire_approved(args, *s, *decisions);
  if (expiring.empty()) {
    std::printf("nothing to do: 0 file(s) would expire; nothing deleted\n");
    return exit_ok;
  }
  if (args.request && !args.dry_run) return request_expiry(args, *s, expiring);
  std::printf("dry run: %zu file(s) would expire; nothing deleted\n", expiring.size());
  std::printf(
      "to expire: two people. Request them: bodycam retention expire %s --request --reference REF; a "
      "supervisor other than you approves (bodycam approve); then you run it with --approved REQUEST\n",
      with_clerk(args).c_str());
  return exit_ok;
}

}  // namespace

void add_retention(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand("retention", "Holds and expiry of media under the retention policy");
  cmd->require_subcommand(1);
  auto args = std::make_shared<retention_args>();
  auto* hold = cmd->add_subcommand(
      "hold", "Hold a session or a device's time range until a signed release (checked against the store)");
  add_store_options(*hold, args->store, args->store_config);
  hold->add_option("--reason", args->reason, "evidence, complaint, major_incident or legal_hold")->required();
  hold->add_option("--device", args->device, "The device")->required();
  hold->add_option("--session", args->session, "The session id (32 hex digits, or a unique start of it)");
  hold->add_option("--from", args->from, "Start of the held range, RFC 3339 UTC");
  hold->add_option("--to", args->to, "End of the held range (default: indefinitely from --from)");
  hold->add_option("--clerk-key", args->clerk_key, "The clerk's secret key file")->required();
  hold->add_option("--department", args->department, "The clerk's department")->required();
  hold->add_option("--reference", args->reference, "Case or request number")->required();
  hold->add_option("--log-key", args->log_key,
                   "An enrolled dock's secret key file: log the entry in the store log at once (without it the "
                   "next dock start-up logs it)");
  hold->callback([args, &result] {
    result.exit_code = check_store_given("retention hold", args->store, args->store_config);
    if (result.exit_code == 0) result.exit_code = run_hold(*args);
  });
  auto* release =
      cmd->add_subcommand("release",
                          "Request the end of one hold in force; once another supervisor approved, --approved ends it "
                          "(deletes nothing)");
  add_store_options(*release, args->store, args->store_config);
  release->add_option("--hold", args->hold,
                      "Request the release of this hold, e.g. retention/clerk-1.0 (as the audit lists it)");
  release->add_option("--approved", args->approved,
                      "End the hold of this approved release request, retention/<clerk>.<seq>");
  release->add_option("--clerk-key", args->clerk_key, "The clerk's secret key file")->required();
  release->add_option("--department", args->department, "The clerk's department")->required();
  release->add_option("--reference", args->reference, "Why the hold ends: case or request number (with --hold)");
  release->add_option("--log-key", args->log_key,
                      "An enrolled dock's secret key file: log the entry in the store log at once (without it the "
                      "next dock start-up logs it)");
  release->callback([args, &result] {
    result.exit_code = check_store_given("retention release", args->store, args->store_config);
    if (result.exit_code == 0) result.exit_code = run_release(*args);
  });
  auto* expire = cmd->add_subcommand(
      "expire",
      "Show what is past retention; --request it, and once another supervisor approved, --approved deletes "
      "it (records stay)");
  add_store_options(*expire, args->store, args->store_config);
  expire->add_option("--days", args->days, "Retention in days (at least 183)")->capture_default_str();
  expire->add_flag("--dry-run", args->dry_run, "Only show what would expire (also the default without --approved)");
  expire->add_flag("--request", args->request,
                   "Sign a request to expire exactly the files the dry run lists (a supervisor approves it)");
  expire->add_option("--approved", args->approved,
                     "Expire the files of this approved request, retention/<clerk>.<seq>, that are still due");
  expire->add_flag("--verbose", args->verbose, "List every file with its outcome (expire, keep_young, keep_held)");
  expire->add_option("--clerk-key", args->clerk_key, "The clerk's secret key file (for --request and --approved)");
  expire->add_option("--department", args->department, "The clerk's department");
  expire->add_option("--reference", args->reference, "Why: the policy or case (recorded with the request)");
  expire->add_option("--log-key", args->log_key,
                     "An enrolled dock's secret key file: log the entry in the store log at once (without it the "
                     "next dock start-up logs it)");
  expire->callback([args, &result] {
    result.exit_code = check_store_given("retention expire", args->store, args->store_config);
    if (result.exit_code == 0) result.exit_code = run_expire(*args);
  });
}

}  // namespace bodycam::tools::verbs
