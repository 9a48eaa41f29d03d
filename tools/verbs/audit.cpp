// bodycam audit: check a whole store (every device's chain, files, statements, gaps, receipts and delays,
// the access and retention registers, and who signed what against the enrollment register under the agency
// root given with --root, and the store log: nothing it ever listed gone or changed, consistent with a witnessed
// checkpoint); print text or --json, write --html and rebuild --catalogue.
// Exit: the verifier's (0 authentic, 1 with documented gaps, 2 not authentic, 3 cannot verify); an output path
// refused before the audit (inside a store, existing without --force, no such folder) is 3 with nothing done;
// a report or catalogue that cannot be written after the audit is 4 (verb.hpp).
#include "common/core/durable_file.hpp"
#include "common/store/directory_backend.hpp"
#include "tools/audit/catalogue.hpp"
#include "tools/audit/enrollment_check.hpp"
#include "tools/audit/log_check.hpp"
#include "tools/audit/render.hpp"
#include "tools/audit/store_audit.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "tools/verbs/clerk_identity.hpp"
#include "tools/verbs/json_report.hpp"
#include "tools/verbs/output_path.hpp"
#include "tools/verbs/progress_meter.hpp"
#include "tools/verbs/verb.hpp"
#include "tools/verbs/verb_store.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

namespace {

constexpr const char* default_root_file = "/etc/bodycam/agency-root.pub";

struct audit_args {
  std::string store;
  std::string store_config;
  bool json = false;
  std::string html;
  std::string catalogue;
  std::string sample;
  std::string root;
  std::string now;
  std::vector<std::string> witnesses;
  bool force = false;
  bool quiet = false;
  unsigned jobs = 0;
};

int cannot(const audit_args& args, const std::string& message) {
  return report_error("audit", args.json, exit_cannot, "cannot verify: " + message);
}

int refuse(const audit_args& args, const std::string& message) {
  return report_error("audit", args.json, exit_cannot, message + "; nothing done");
}

std::string cannot_write_text(const std::string& message) {
  return "the audit ran but its output could not be written: " + message;
}

using core::text_bytes;

int run_audit(const audit_args& args) {
  audit::audit_options options;
  options.now = utc_now();
  options.jobs = args.jobs;
  if (!args.now.empty()) {
    auto now = bundle::parse_utc(args.now);
    if (!now) return cannot(args, "--now: " + now.error().context);
    options.now = *now;
  }
  if (!args.sample.empty()) {
    unsigned n = 0, m = 0;
    char extra = 0;
    if (std::sscanf(args.sample.c_str(), "%u/%u%c", &n, &m, &extra) != 2 || m < 1 || n < 1 || n > m || m > 1'000'000)
      return cannot(args, "--sample '" + args.sample + "': use n/m with 1 <= n <= m, e.g. 3/7");
    options.sample_slice = n;
    options.sample_slices = m;
  }
  // Outputs are checked before any work: never inside a store, never over a file unless --force.
  if (!args.html.empty())
    if (auto ok = check_output_path(args.html, "--html",
                                    args.force ? replace_policy::allow : replace_policy::unless_forced);
        !ok)
      return refuse(args, ok.error().context);
  // The catalogue is a cache this verb rebuilds: an existing one of ours is replaced; a file that is not ours
  // is refused (nothing overwritten).
  if (!args.catalogue.empty())
    if (auto ok = check_output_path(args.catalogue, "--catalogue", replace_policy::allow); !ok)
      return refuse(args, ok.error().context);
  if (!args.catalogue.empty())
    if (auto ok = audit::check_catalogue(args.catalogue); !ok && ok.error().code != core::errc::not_found)
      return cannot(args, ok.error().context);
  // The root the auditor trusts: --root, else the configured one (BODYCAM_AGENCY_ROOT, else
  // /etc/bodycam/agency-root.pub if present); never one found only in the store.
  std::optional<audit::trusted_root> root;
  std::string root_file = args.root;
  std::string root_origin = "--root " + args.root;
  if (root_file.empty()) {
    std::error_code ec;
    if (const char* env = std::getenv("BODYCAM_AGENCY_ROOT"); env != nullptr && *env != '\0') {
      root_file = env;
      root_origin = std::string("BODYCAM_AGENCY_ROOT=") + env;
    } else if (std::filesystem::exists(default_root_file, ec)) {
      root_file = default_root_file;
      root_origin = std::string(default_root_file) + " (configured)";
    }
  }
  if (!root_file.empty()) {
    auto key = crypto::load_public_key(root_file);
    if (!key) return cannot(args, "agency root " + root_origin + ": " + key.error().context);
    root = audit::trusted_root{key->key, root_origin};
  }
  auto s = open_verb_store(args.store, args.store_config);
  if (!s) return cannot(args, s.error().context);
  progress_meter meter("audit", args.quiet);
  if (meter.enabled())
    options.on_progress = [&meter](const audit::audit_options::progress& p) {
      meter.update("device " + std::to_string(p.device_index) + "/" + std::to_string(p.device_count) + " (" +
                   p.device + "), " + std::to_string(p.files) + " files checked, " + human_bytes(p.bytes) +
                   " re-hashed");
    };
  auto report = audit::audit_store(*s, options);
  options.on_progress = nullptr;
  meter.finish();
  if (!report) return cannot(args, report.error().context);
  report->store = args.store.empty() ? s->describe() : absolute_path_text(args.store);
  auto enrollment = audit::check_enrollment(*s, *report, root);
  if (!enrollment) return cannot(args, enrollment.error().context);
  report->verdict = audit::worse_of(report->verdict, enrollment->verdict);
  audit::log_check_options log_options{root, {}, options.sample_slice, options.sample_slices};
  for (const auto& file : args.witnesses) {
    auto key = crypto::load_public_key(file);
    if (!key) return cannot(args, "witness key --witness " + file + ": " + key.error().context);
    log_options.witnesses.push_back({key->label, key->key});
  }
  auto log = audit::check_store_log(*s, *report, log_options);
  if (!log) return cannot(args, log.error().context);
  report->verdict = audit::worse_of(report->verdict, log->verdict);
  // Outputs are written before the report is printed, so that under --json a failed write is part of the one
  // document on stdout ("output_error") rather than a second one.
  std::string write_error;
  if (!args.html.empty())
    if (auto ok = core::write_file_durably(args.html, text_bytes(audit::render_html(*report, audit::render_fleet_html(enrollment->fleet)))); !ok)
      write_error = ok.error().context;
  if (write_error.empty() && !args.catalogue.empty())
    if (auto ok = audit::write_catalogue(args.catalogue, *report); !ok) write_error = ok.error().context;
  if (args.json) {
    auto j = audit::render_json(*report);
    j["enrollment"] = audit::render_enrollment_json(*enrollment);
    j["log"] = audit::render_log_json(*log);
    if (!write_error.empty()) j["output_error"] = cannot_write_text(write_error);
    print_json_document(j);
  } else {
    std::fputs(audit::render_text(*report).c_str(), stdout);
    std::fputs(audit::render_enrollment_text(*enrollment).c_str(), stdout);
    std::fputs(audit::render_log_text(*log).c_str(), stdout);
  }
  if (!write_error.empty()) {
    std::fprintf(stderr, "bodycam audit: %s\n", cannot_write_text(write_error).c_str());
    return exit_write_failed;
  }
  return chain::exit_code(report->verdict);
}

}  // namespace

void add_audit(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand(
      "audit",
      "Audit a store: chains, files (re-hashed), statements, gaps, receipts and upload delays, registers. "
      "Exit 0 authentic, 1 authentic with documented gaps, 2 not authentic, 3 cannot verify");
  auto args = std::make_shared<audit_args>();
  add_store_options(*cmd, args->store, args->store_config);
  cmd->add_flag("--json", args->json, "Print the report as JSON");
  cmd->add_option("--html", args->html,
                  "Also write a self-contained HTML report (timeline per device) to FILE (outside any store)");
  cmd->add_flag("--force", args->force, "Replace an existing --html FILE");
  cmd->add_flag("--quiet", args->quiet, "No progress line (shown on a terminal only, on stderr)");
  cmd->add_option("--catalogue", args->catalogue, "Rebuild the SQLite catalogue at FILE from the store");
  cmd->add_option("--root", args->root,
                  "The agency root public key to trust (agency-root.pub; default: $BODYCAM_AGENCY_ROOT, else "
                  "/etc/bodycam/agency-root.pub if present). Without one, a store's enrollment register is read "
                  "under the store's own root and the audit cannot verify more than that (exit 3)");
  cmd->add_option("--witness", args->witnesses,
                  "A witness public key whose cosignature makes a store log checkpoint witnessed (repeatable; "
                  "default: every witness the enrollment register enrolled; one suffices)");
  cmd->add_option("--now", args->now,
                  "The time the audit judges by, RFC 3339 UTC (default: the clock): enrollment ages and overdue "
                  "cameras (no footage within 24 h of their enrollment)");
  cmd->add_option("--sample", args->sample, "Re-hash only slice n/m of the files (rolling partial re-hash)");
  add_jobs_option(*cmd, args->jobs, "each chain's signatures");
  cmd->callback([args, &result] {
    result.exit_code = check_store_given("audit", args->store, args->store_config);
    if (result.exit_code == 0) result.exit_code = run_audit(*args);
  });
}

}  // namespace bodycam::tools::verbs
