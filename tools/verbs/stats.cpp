// `bodycam stats`: statistics for supervision per officer or unit and per day, ISO week or month, computed
// over the console catalogue (tools/catalogue) refreshed from the store: sessions, hours, missing and silent
// statements, interruptions by reason, late uploads, unexplained gaps, the share of sessions noted and
// categorised, exports. Text, CSV or JSON (bodycam-stats, version 1). Reads the store only; the catalogue is
// a cache: --catalogue FILE keeps one between runs (refreshed incrementally), otherwise a temporary one is
// built and removed.
#include "common/record/record_json.hpp"
#include "common/store/directory_backend.hpp"
#include "tools/catalogue/catalogue_db.hpp"
#include "tools/catalogue/stats_report.hpp"
#include "tools/catalogue/supervision_stats.hpp"
#include "tools/bundle/bundle_export.hpp"
#include "tools/verbs/clerk_identity.hpp"
#include "tools/verbs/json_report.hpp"
#include "tools/verbs/output_path.hpp"
#include "tools/verbs/verb.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace bodycam::tools::verbs {

namespace {

using namespace bodycam::common;
namespace cat = bodycam::tools::catalogue;
namespace fs = std::filesystem;

constexpr const char* default_root_file = "/etc/bodycam/agency-root.pub";

struct stats_args {
  std::string store;
  std::string by = "officer";
  std::string period = "week";
  std::string from, to;
  std::string catalogue;
  std::string root;
  bool csv = false;
  bool json = false;
};

int refuse(const stats_args& args, const std::string& message, int code = exit_cannot) {
  return report_error("stats", args.json, code, message);
}

// A temporary catalogue's files, removed at the end of the run.
struct temp_catalogue {
  fs::path path;
  ~temp_catalogue() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(fs::path(path.string() + suffix), ec);
  }
};

void print_text(const std::vector<cat::stats_cell>& cells, const stats_args& args) {
  std::printf("%-16s %-10s %8s %8s %7s %6s %6s %5s %5s %6s %6s  %s\n", args.by.c_str(), "period", "sessions", "hours",
              "missing", "silent", "unexpl", "late", "exprt", "noted", "categ", "interruptions");
  for (const auto& c : cells)
    std::printf("%-16s %-10s %8llu %8.2f %7llu %6llu %6llu %5llu %5llu %5.0f%% %5.0f%%  %s\n", c.group.c_str(),
                c.period.c_str(), static_cast<unsigned long long>(c.sessions), c.hours,
                static_cast<unsigned long long>(c.statements_missing),
                static_cast<unsigned long long>(c.statements_silent), static_cast<unsigned long long>(c.unexplained_gaps),
                static_cast<unsigned long long>(c.late_uploads), static_cast<unsigned long long>(c.exports),
                100 * c.noted_share(), 100 * c.categorised_share(), cat::interruptions_text(c.interruptions).c_str());
  if (cells.empty()) std::printf("(no sessions in the range)\n");
}

int run_stats(const stats_args& args) {
  if (args.csv && args.json) return refuse(args, "give --csv or --json, not both", exit_usage);
  cat::stats_request request;
  const auto group = cat::parse_stats_group(args.by);
  if (!group) return refuse(args, "--by '" + args.by + "': use officer or unit", exit_usage);
  const auto period = cat::parse_stats_period(args.period);
  if (!period) return refuse(args, "--period '" + args.period + "': use day, week or month", exit_usage);
  request.group = *group;
  request.period = *period;
  for (auto [text, out, name] : {std::tuple{&args.from, &request.from, "--from"}, {&args.to, &request.to, "--to"}}) {
    if (text->empty()) continue;
    auto t = bundle::parse_utc(*text);
    if (!t) return refuse(args, std::string(name) + ": " + t.error().context, exit_usage);
    *out = *t;
  }
  cat::refresh_options options;
  options.now = utc_now();
  // The root the supervisor trusts for units: --root, else BODYCAM_AGENCY_ROOT, else the configured file.
  std::string root_file = args.root;
  if (root_file.empty()) {
    std::error_code ec;
    if (const char* env = std::getenv("BODYCAM_AGENCY_ROOT"); env != nullptr && *env != '\0') root_file = env;
    else if (fs::exists(default_root_file, ec)) root_file = default_root_file;
  }
  if (!root_file.empty()) {
    auto key = crypto::load_public_key(root_file);
    if (!key) return refuse(args, "agency root " + root_file + ": " + key.error().context);
    options.root = key->key;
  } else if (request.group == cat::stats_group::unit) {
    std::fprintf(stderr, "bodycam stats: no agency root (--root): units are unknown\n");
  }
  auto s = store::open_directory_store(args.store, false);
  if (!s) return refuse(args, s.error().context);
  std::optional<temp_catalogue> temp;
  fs::path path = args.catalogue;
  if (!path.empty()) {
    if (auto ok = check_outside_stores(path, "--catalogue"); !ok) return refuse(args, ok.error().context);
  } else {
    temp.emplace();
    temp->path = fs::temp_directory_path() / ("bodycam-stats-" + std::to_string(::getpid()) + ".db");
    path = temp->path;
  }
  cat::open_report opened;
  auto db = cat::catalogue_db::open(path, &opened);
  if (!db) return refuse(args, db.error().context);
  if (opened.rejected)
    std::fprintf(stderr, "bodycam stats: %s was not a usable catalogue (%s); moved to %s and rebuilt\n",
                 path.c_str(), opened.reason.c_str(), opened.rejected->c_str());
  auto refreshed = db->refresh(*s, options);
  if (!refreshed) return refuse(args, refreshed.error().context);
  for (const auto& f : refreshed->register_findings)
    std::fprintf(stderr, "bodycam stats: left out %s (run bodycam audit)\n", f.c_str());
  auto rows = db->rows(std::nullopt, std::nullopt);
  if (!rows) return refuse(args, rows.error().context);
  auto exports = db->exports();
  if (!exports) return refuse(args, exports.error().context);
  const auto cells = cat::supervision_stats(*rows, *exports, request);
  if (args.json) {
    auto j = cat::stats_document(cells, request, args.from, args.to);
    j["store"] = absolute_path_text(args.store);
    print_json_document(j);
  } else if (args.csv) {
    std::fputs(cat::stats_csv(cells, args.by).c_str(), stdout);
  } else {
    print_text(cells, args);
  }
  return exit_ok;
}

}  // namespace

void add_stats(CLI::App& app, run_result& result) {
  auto args = std::make_shared<stats_args>();
  auto* cmd = app.add_subcommand("stats", "Statistics for supervision per officer or unit and per period");
  cmd->add_option("store", args->store, "The store's directory")->required();
  cmd->add_option("--by", args->by, "officer or unit")->capture_default_str();
  cmd->add_option("--period", args->period, "day, week (ISO 8601) or month")->capture_default_str();
  cmd->add_option("--from", args->from, "Sessions starting at or after, RFC 3339 UTC");
  cmd->add_option("--to", args->to, "Sessions starting before, RFC 3339 UTC");
  cmd->add_option("--catalogue", args->catalogue, "Keep the catalogue in FILE between runs (a cache)");
  cmd->add_option("--root", args->root, "The agency root public key trusted for units");
  cmd->add_flag("--csv", args->csv, "One CSV line per officer (unit) and period");
  cmd->add_flag("--json", args->json, "The report as JSON (bodycam-stats, version 1)");
  cmd->callback([args, &result] { result.exit_code = run_stats(*args); });
}

}  // namespace bodycam::tools::verbs
