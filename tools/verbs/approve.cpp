// bodycam approve: a supervisor's signed decision on an export request (docs/formats/access-register.md §3
// rule 5) or an expiry request (§3 rule 6): `approve` by default, `--refuse` to refuse; REQUEST
// access/<clerk>.<seq> or retention/<clerk>.<seq> says which. Refused before anything is written: a key that is
// not a supervisor's in force (enrollment register), a request that does not exist or is decided already, and the
// requester deciding their own request. The decision is an entry of the request's register with the request's
// scopes, signed by the supervisor; the requester then builds the bundle with `bodycam export --approved
// REQUEST` or expires with `bodycam retention expire --approved REQUEST`.
#include "common/store/directory_backend.hpp"
#include "tools/audit/approval_state.hpp"
#include "tools/enrollment/enrollment_store.hpp"
#include "tools/verbs/clerk_identity.hpp"
#include "tools/verbs/json_report.hpp"
#include "tools/verbs/log_now.hpp"
#include "tools/verbs/verb.hpp"

#include <cstdio>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

namespace {

struct approve_args {
  std::string store;
  std::string request;
  std::string clerk_key;
  std::string department;
  std::string reference;
  std::string log_key;
  bool refuse = false;
};

// "bodycam approve: <message>" on stderr (json_report.hpp report_error); returns `code`.
int approve_refused(const std::string& message, int code = exit_cannot) {
  return report_error("approve", false, code, message);
}

int run_approve(const approve_args& args) {
  std::string name = args.request;
  const bool expiry = name.starts_with("retention/");
  const std::string prefix = expiry ? "retention/" : "access/";
  if (name.starts_with(prefix)) name = name.substr(prefix.size());
  if (!registers::parse_decision_action("approve " + name))
    return approve_refused(
        "REQUEST: expected access/<clerk>.<seq> as `bodycam export --request` printed it, or "
        "retention/<clerk>.<seq> as `bodycam retention expire --request` printed it, got '" +
            args.request + "'",
        exit_usage);
  auto supervisor = load_clerk(args.clerk_key);
  if (!supervisor) return approve_refused(supervisor.error().context);
  auto s = store::open_directory_store(args.store, false);
  if (!s) return approve_refused(s.error().context);
  if (auto ok = check_clerk_key_in_store(*s, *supervisor, enrollment::signature_kind::approval); !ok)
    return approve_refused(ok.error().context);
  auto root = enrollment::get_store_root(*s);
  if (!root) return approve_refused(root.error().context);
  if (!*root) return approve_refused("store " + s->describe() + " has no enrollment register");
  auto approvals = expiry ? audit::read_expiry_approvals(*s, **root) : audit::read_export_approvals(*s, **root);
  if (!approvals) return approve_refused(approvals.error().context, exit_not_authentic);
  const auto* status = (*approvals)->approvals.find(name);
  if (status == nullptr && expiry) {  // a retention request is an expiry request or a hold release request
    approvals = audit::read_release_approvals(*s, **root);
    if (!approvals) return approve_refused(approvals.error().context, exit_not_authentic);
    status = (*approvals)->approvals.find(name);
  }
  if (status == nullptr)
    return approve_refused(prefix + name + (expiry ? ": no expiry or hold release request" : ": no export request") +
                           " has that name; nothing decided");
  if (auto why = registers::why_not_decide(*status, supervisor->id, supervisor->signer->public_key()))
    return approve_refused(*why + "; nothing decided");
  auto log_key = load_log_key(*s, args.log_key);
  if (!log_key) return approve_refused(log_key.error().context);
  const auto new_keys = not_yet_stored(*s, {"keys/" + supervisor->id + ".pub"});
  const auto& req = status->request->body;
  registers::register_entry e;
  e.kind = req.kind;
  e.utc = utc_now();
  e.department = args.department;
  e.reference = args.reference.empty() ? req.reference : args.reference;
  e.action = registers::decision_action({name, !args.refuse});
  e.scopes = req.scopes;
  auto stored = registers::append_entry(*s, expiry ? store::entry_namespace::retention : store::entry_namespace::access,
                                        supervisor->id, std::move(e), *supervisor->signer);
  if (!stored) return approve_refused(stored.error().context);
  const std::string entry = prefix + registers::entry_name(stored->body);
  std::vector<std::string> written = new_keys;
  written.push_back(entry);
  std::printf("%s      %s%s (by %s)\ndecision:     %s\n", args.refuse ? "refused: " : "approved:", prefix.c_str(),
              name.c_str(), req.clerk.c_str(), entry.c_str());
  if (!args.refuse && req.kind == registers::entry_kind::hold)
    std::printf(
        "next:         %s releases within 7 days: bodycam retention release %s --approved retention/%s "
        "--clerk-key %s.key --department DEPT --reference '%s'\n",
        req.clerk.c_str(), args.store.c_str(), name.c_str(), req.clerk.c_str(), req.reference.c_str());
  else if (!args.refuse && expiry)
    std::printf(
        "next:         %s expires within 7 days: bodycam retention expire %s --approved retention/%s "
        "--clerk-key %s.key --department DEPT --reference '%s'\n",
        req.clerk.c_str(), args.store.c_str(), name.c_str(), req.clerk.c_str(), req.reference.c_str());
  else if (!args.refuse)
    std::printf(
        "next:         %s builds the bundle within 7 days: bodycam export %s --approved access/%s "
        "--reference '%s' --out BUNDLE --clerk-key %s.key --department DEPT\n",
        req.clerk.c_str(), args.store.c_str(), name.c_str(), req.reference.c_str(), req.clerk.c_str());
  std::printf("%s\n", log_entries_now(*s, *log_key, written).c_str());
  return 0;
}

}  // namespace

void add_approve(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand(
      "approve", "Approve (or --refuse) another person's export or expiry request, as a supervisor (signed entry)");
  auto args = std::make_shared<approve_args>();
  cmd->add_option("store", args->store, "The store's directory")->required();
  cmd->add_option("request", args->request,
                  "The request: access/<clerk>.<seq> (bodycam export --request) or retention/<clerk>.<seq> "
                  "(bodycam retention expire --request)")
      ->required();
  cmd->add_option("--clerk-key", args->clerk_key, "The supervisor's secret key file")->required();
  cmd->add_option("--department", args->department, "The supervisor's department")->required();
  cmd->add_option("--reference", args->reference, "Why (default: the request's reference)");
  cmd->add_flag("--refuse", args->refuse, "Refuse the request instead of approving it");
  cmd->add_option("--log-key", args->log_key,
                  "An enrolled dock's secret key file: log the entry in the store log at once (without it the "
                  "next dock start-up logs it)");
  cmd->callback([args, &result] { result.exit_code = run_approve(*args); });
}

}  // namespace bodycam::tools::verbs
