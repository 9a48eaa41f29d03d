// bodycam retention: `hold` places a hold (evidence, complaint, major_incident, legal_hold) on a session or a
// device's time range; `expire` deletes media past the retention period that no hold covers, after writing
// the signed expiry event; `expire --dry-run` only shows what would expire. Records are never deleted.
// A hold is checked against the store before it is signed (tools/retention/hold_scope.hpp): the device has
// records, the session is that device's (any unique start of its id), the scope is not already held; the
// answer says how many files it holds. `release` ends one hold in force by a signed entry naming it
// (docs/formats/access-register.md §3 rule 3); nothing is deleted by it.
#include "common/record/record_json.hpp"
#include "common/store/directory_backend.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "tools/registers/hold_release.hpp"
#include "tools/registers/register_book.hpp"
#include "tools/retention/hold_scope.hpp"
#include "tools/retention/retention_policy.hpp"
#include "tools/verbs/clerk_identity.hpp"
#include "tools/verbs/log_now.hpp"
#include "tools/verbs/verb.hpp"

#include <cstdio>
#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

namespace {

struct retention_args {
  std::string store;
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
  bool verbose = false;
  std::string log_key;
};

int refuse(const std::string& message, int code = exit_cannot) {
  std::fprintf(stderr, "bodycam retention: %s\n", message.c_str());
  return code;
}

// The entry just written, logged at once when a log key was given (log_now.hpp).
void announce_log(store::store& s, const std::optional<log_key>& key, std::vector<std::string> written,
                  const registers::signed_entry& stored) {
  written.push_back("retention/" + registers::entry_name(stored.body));
  std::printf("%s\n", log_entries_now(s, key, written).c_str());
}

// The media the store holds (present files only); every session a record names goes into `sessions`.
core::expected<std::vector<retention::media_item>> stored_media(const store::store& s,
                                                                std::vector<retention::known_session>* sessions =
                                                                    nullptr) {
  std::vector<retention::media_item> items;
  auto walked = s.for_each_record([&](const record::device_id& device, std::uint64_t seq,
                                      core::byte_view bytes) -> core::status {
    auto r = record::parse_signed_record(bytes);
    if (!r) return core::wrap("record " + std::to_string(seq) + " of " + device.str(), r.error());
    retention::media_item item{device, {}, seq, {}, {}, 0, r->body.utc.time};
    if (sessions) {
      if (const auto* st = std::get_if<record::session_start_payload>(&r->body.body))
        sessions->push_back({device, st->session});
      else if (const auto* sg = std::get_if<record::segment_payload>(&r->body.body))
        sessions->push_back({device, sg->session});
    }
    if (const auto* sg = std::get_if<record::segment_payload>(&r->body.body)) {
      item.session = sg->session;
      item.file_name = sg->file_name;
      item.sha256 = sg->file_sha256;
      item.byte_length = sg->byte_length;
    } else if (const auto* a = std::get_if<record::annotation_payload>(&r->body.body);
               a && a->status != record::annotation_status::missing) {
      item.session = a->session;
      item.file_name = a->file_name;
      item.sha256 = a->file_sha256;
      item.byte_length = a->byte_length;
    } else if (const auto* p = std::get_if<record::photo_payload>(&r->body.body)) {
      item.session = p->session;
      item.file_name = p->file_name;
      item.sha256 = p->file_sha256;
      item.byte_length = p->byte_length;
    } else {
      return {};
    }
    auto present = s.has_object(item.sha256);
    if (!present) return std::unexpected(present.error());
    if (*present) items.push_back(std::move(item));
    return {};
  });
  if (!walked) return std::unexpected(walked.error());
  return items;
}

// Holds whose entry no release names, one per scope.
std::vector<retention::hold> holds_in_force(const registers::register_book& book) {
  std::set<std::string> released;
  for (const auto& c : book.clerks)
    for (const auto& e : c.entries)
      if (e.body.kind == registers::entry_kind::hold)
        if (auto h = registers::released_hold(e.body.action)) released.insert(*h);
  std::vector<retention::hold> holds;
  for (const auto& c : book.clerks)
    for (const auto& e : c.entries)
      if (e.body.kind == registers::entry_kind::hold && !registers::released_hold(e.body.action) &&
          !released.contains(registers::entry_name(e.body)))
        for (const auto& sc : e.body.scopes)
          holds.push_back(
              {"retention/" + registers::entry_name(e.body), e.body.action, sc.device, sc.session, sc.from, sc.to});
  return holds;
}

int run_release(const retention_args& args) {
  std::string name = args.hold;
  if (name.starts_with("retention/")) name = name.substr(std::string_view("retention/").size());
  auto clerk = load_clerk(args.clerk_key);
  if (!clerk) return refuse(clerk.error().context);
  auto s = store::open_directory_store(args.store, false);
  if (!s) return refuse(s.error().context);
  if (auto ok = check_clerk_key_in_store(*s, *clerk, enrollment::signature_kind::approval); !ok)
    return refuse(ok.error().context);
  auto book = registers::read_register(*s, store::entry_namespace::retention);
  if (!book) return refuse(book.error().context);
  if (!book->is_intact())
    return refuse("the retention register does not verify (" + book->findings.front().code + " at " +
                      book->findings.front().entry + "); no hold released",
                  exit_not_authentic);
  const auto in_force = holds_in_force(*book);
  const auto held = std::find_if(in_force.begin(), in_force.end(),
                                 [&](const retention::hold& h) { return h.entry == "retention/" + name; });
  if (held == in_force.end())
    return refuse("--hold retention/" + name + ": no hold in force has that name (bodycam audit lists the " +
                  "retention register); nothing released");
  auto log_key = load_log_key(*s, args.log_key);
  if (!log_key) return refuse(log_key.error().context);
  const auto new_keys = not_yet_stored(*s, {"keys/" + clerk->id + ".pub"});
  registers::register_entry e;
  e.kind = registers::entry_kind::hold;
  e.utc = utc_now();
  e.department = args.department;
  e.reference = args.reference;
  e.action = registers::release_action(name);
  for (const auto& h : in_force)
    if (h.entry == held->entry) {
      registers::scope sc;
      sc.device = h.device;
      sc.session = h.session;
      sc.from = h.from;
      sc.to = h.to;
      e.scopes.push_back(sc);
    }
  auto stored = registers::append_entry(*s, store::entry_namespace::retention, clerk->id, std::move(e), *clerk->signer);
  if (!stored) return refuse("release not written: " + stored.error().context);
  std::printf("hold retention/%s (%s) released by retention/%s; its files are under the retention policy again\n",
              name.c_str(), held->reason.c_str(), registers::entry_name(stored->body).c_str());
  announce_log(*s, *log_key, new_keys, *stored);
  return exit_ok;
}

int run_hold(const retention_args& args) {
  if (!registers::is_hold_reason(args.reason))
    return refuse("--reason '" + args.reason + "': use evidence, complaint, major_incident or legal_hold");
  registers::scope sc;
  if (args.device.empty()) return refuse("--device is required (the device the session or range belongs to)");
  auto device = record::device_id::parse(args.device);
  if (!device) return refuse("--device: " + device.error().context);
  sc.device = *device;
  if (args.session.empty()) {
    if (args.from.empty()) return refuse("give --session, or --from (and optionally --to) for a time range");
    auto from = bundle::parse_utc(args.from);
    if (!from) return refuse("--from: " + from.error().context);
    sc.from = *from;
    if (!args.to.empty()) {
      auto to = bundle::parse_utc(args.to);
      if (!to) return refuse("--to: " + to.error().context);
      sc.to = *to;
    }
  }
  auto clerk = load_clerk(args.clerk_key);
  if (!clerk) return refuse(clerk.error().context);
  auto s = store::open_directory_store(args.store, false);
  if (!s) return refuse(s.error().context);
  if (auto ok = check_clerk_key_in_store(*s, *clerk, enrollment::signature_kind::retention_entry); !ok)
    return refuse(ok.error().context);
  std::vector<retention::known_session> sessions;
  auto items = stored_media(*s, &sessions);
  if (!items) return refuse(items.error().context);
  if (!args.session.empty()) {
    // A session another device recorded is named as such rather than reported unknown.
    auto session = retention::resolve_session_prefix(args.session, sessions, std::nullopt);
    if (!session) return refuse(session.error().context + "; no hold placed");
    sc.session = *session;
  }
  auto devices = s->list_devices();
  if (!devices) return refuse(devices.error().context);
  auto book = registers::read_register(*s, store::entry_namespace::retention);
  if (!book) return refuse(book.error().context);
  const retention::hold wanted{"", args.reason, sc.device, sc.session, sc.from, sc.to};
  auto coverage = retention::check_hold_scope(wanted, *devices, sessions, *items, holds_in_force(*book));
  if (!coverage) return refuse(coverage.error().context + "; no hold placed");
  auto log_key = load_log_key(*s, args.log_key);
  if (!log_key) return refuse(log_key.error().context);
  const auto new_keys = not_yet_stored(*s, {"keys/" + clerk->id + ".pub"});
  registers::register_entry e;
  e.kind = registers::entry_kind::hold;
  e.utc = utc_now();
  e.department = args.department;
  e.reference = args.reference;
  e.action = args.reason;
  e.scopes.push_back(sc);
  auto stored = registers::append_entry(*s, store::entry_namespace::retention, clerk->id, std::move(e), *clerk->signer);
  if (!stored) return refuse(stored.error().context);
  std::printf("hold placed: retention/%s (%s) on %s; it holds %zu file(s), %llu bytes, now\n",
              registers::entry_name(stored->body).c_str(), args.reason.c_str(),
              sc.session.is_none() ? ("device " + sc.device.str() + " in the time range").c_str()
                                   : ("session " + sc.session.to_hex() + " of " + sc.device.str()).c_str(),
              coverage->files, static_cast<unsigned long long>(coverage->bytes));
  announce_log(*s, *log_key, new_keys, *stored);
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
    return "  " + std::string(label) + " (" + std::string(retention::to_string(o)) + "): " +
           std::to_string(t[o].files) + " file(s), " + std::to_string(t[o].bytes) + " bytes — " + meaning + "\n";
  };
  const std::string d = std::to_string(days);
  return "of " + std::to_string(decisions.size()) + " stored media file(s):\n" +
         line(retention::outcome::expire, "due  ", "their session ended more than " + d +
                                                       " days ago and no hold covers them") +
         line(retention::outcome::keep_young, "young",
              "their session ended less than " + d + " days ago; each is kept until its session is " + d +
                  " days old") +
         line(retention::outcome::keep_held, "held ",
              "a hold in the retention register (evidence, complaint, major incident, legal hold) covers them; "
              "they stay until the hold is released, however old") +
         "records are never deleted; --verbose lists every file with its reason\n";
}

int run_expire(const retention_args& args) {
  auto s = store::open_directory_store(args.store, false);
  if (!s) return refuse(s.error().context);
  auto book = registers::read_register(*s, store::entry_namespace::retention);
  if (!book) return refuse(book.error().context);
  // Holds that cannot be trusted make every deletion unsafe.
  if (!book->is_intact())
    return refuse("the retention register does not verify (" + book->findings.front().code + " at " +
                      book->findings.front().entry + "); nothing expired",
                  2);
  const auto holds = holds_in_force(*book);
  auto items = stored_media(*s);
  if (!items) return refuse(items.error().context);
  auto decisions = retention::decide(*items, holds, utc_now(), std::chrono::days(args.days));
  if (!decisions) return refuse(decisions.error().context);
  std::vector<const retention::decision*> expiring;
  for (const auto& d : *decisions) {
    if (args.verbose)
      std::printf("%-10s %s seq %llu %s: %s\n", std::string(retention::to_string(d.result)).c_str(),
                  d.item.device.str().c_str(), static_cast<unsigned long long>(d.item.seq), d.item.file_name.c_str(),
                  d.why.c_str());
    if (d.result == retention::outcome::expire) expiring.push_back(&d);
  }
  std::fputs(expire_summary(*decisions, args.days).c_str(), stdout);
  if (args.dry_run || expiring.empty()) {
    std::printf("%s: %zu file(s) would expire; nothing deleted\n", args.dry_run ? "dry run" : "nothing to do",
                expiring.size());
    return 0;
  }
  auto clerk = load_clerk(args.clerk_key);
  if (!clerk) return refuse(clerk.error().context);
  if (auto ok = check_clerk_key_in_store(*s, *clerk, enrollment::signature_kind::retention_entry); !ok)
    return refuse(ok.error().context);
  auto log_key = load_log_key(*s, args.log_key);
  if (!log_key) return refuse(log_key.error().context);
  const auto new_keys = not_yet_stored(*s, {"keys/" + clerk->id + ".pub"});
  registers::register_entry e;
  e.kind = registers::entry_kind::expiry;
  e.utc = utc_now();
  e.department = args.department;
  e.reference = args.reference;
  e.action = "retention " + std::to_string(args.days) + " days";
  std::map<std::pair<record::device_id, record::session_id>, bool> scopes;
  for (const auto* d : expiring) {
    e.objects.push_back({d->item.sha256, d->item.byte_length});
    if (!scopes[{d->item.device, d->item.session}]) {
      scopes[{d->item.device, d->item.session}] = true;
      registers::scope sc;
      sc.device = d->item.device;
      sc.session = d->item.session;
      e.scopes.push_back(sc);
    }
  }
  // The signed event first; only then the deletions it records.
  auto stored = registers::append_entry(*s, store::entry_namespace::retention, clerk->id, std::move(e), *clerk->signer);
  if (!stored) return refuse("expiry event not written, nothing deleted: " + stored.error().context);
  const std::string name = registers::entry_name(stored->body);
  std::size_t removed = 0;
  for (const auto& o : stored->body.objects) {
    auto ok = s->remove_expired_object(o.sha256, name);
    if (!ok && ok.error().code != core::errc::not_found) return refuse(ok.error().context);
    ++removed;
  }
  std::printf("expired %zu file(s) under retention/%s; their records stay\n", removed, name.c_str());
  announce_log(*s, *log_key, new_keys, *stored);
  return 0;
}

}  // namespace

void add_retention(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand("retention", "Holds and expiry of media under the retention policy");
  cmd->require_subcommand(1);
  auto args = std::make_shared<retention_args>();
  auto* hold = cmd->add_subcommand(
      "hold", "Hold a session or a device's time range until a signed release (checked against the store)");
  hold->add_option("store", args->store, "The store's directory")->required();
  hold->add_option("--reason", args->reason, "evidence, complaint, major_incident or legal_hold")->required();
  hold->add_option("--device", args->device, "The device")->required();
  hold->add_option("--session", args->session, "The session id (32 hex digits, or a unique start of it)");
  hold->add_option("--from", args->from, "Start of the held range, RFC 3339 UTC");
  hold->add_option("--to", args->to, "End of the held range (default: indefinitely from --from)");
  hold->add_option("--clerk-key", args->clerk_key, "The clerk's secret key file")->required();
  hold->add_option("--department", args->department, "The clerk's department")->required();
  hold->add_option("--reference", args->reference, "Case or request number")->required();
  hold ->add_option("--log-key", args->log_key,
                  "An enrolled dock's secret key file: log the entry in the store log at once (without it the "
                  "next dock start-up logs it)");
  hold->callback([args, &result] { result.exit_code = run_hold(*args); });
  auto* release = cmd->add_subcommand("release", "End one hold in force by a signed release entry (deletes nothing)");
  release->add_option("store", args->store, "The store's directory")->required();
  release->add_option("--hold", args->hold, "The hold's entry, e.g. retention/clerk-1.0 (as the audit lists it)")
      ->required();
  release->add_option("--clerk-key", args->clerk_key, "The clerk's secret key file")->required();
  release->add_option("--department", args->department, "The clerk's department")->required();
  release->add_option("--reference", args->reference, "Why the hold ends: case or request number")->required();
  release ->add_option("--log-key", args->log_key,
                  "An enrolled dock's secret key file: log the entry in the store log at once (without it the "
                  "next dock start-up logs it)");
  release->callback([args, &result] { result.exit_code = run_release(*args); });
  auto* expire = cmd->add_subcommand("expire", "Delete media past retention that no hold covers (records stay)");
  expire->add_option("store", args->store, "The store's directory")->required();
  expire->add_option("--days", args->days, "Retention in days (at least 183)")->capture_default_str();
  expire->add_flag("--dry-run", args->dry_run, "Only show what would expire");
  expire->add_flag("--verbose", args->verbose, "List every file with its outcome (expire, keep_young, keep_held)");
  expire->add_option("--clerk-key", args->clerk_key, "The clerk's secret key file (not needed for --dry-run)");
  expire->add_option("--department", args->department, "The clerk's department");
  expire->add_option("--reference", args->reference, "Reference recorded with the expiry event");
  expire ->add_option("--log-key", args->log_key,
                  "An enrolled dock's secret key file: log the entry in the store log at once (without it the "
                  "next dock start-up logs it)");
  expire->callback([args, &result] { result.exit_code = run_expire(*args); });
}

}  // namespace bodycam::tools::verbs
