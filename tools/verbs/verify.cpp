// bodycam verify: check a device's chain from a ledger file or a directory of records against the device's
// public key; every device of a whole store against the keys the store holds; or a court bundle, offline
// (tools/bundle), with its store-log proofs. A store's log is checked as the audit checks it (tools/audit/
// log_check.hpp: the same code and reason codes); --witness and --root name the keys trusted for it.
// Prints a per-record report with reason codes and a summary (--json for programs).
// Exit: 0 authentic, 1 authentic with documented gaps, 2 not authentic, 3 cannot verify.
#include "common/chain/report_json.hpp"
#include "common/core/durable_file.hpp"
#include "common/crypto/key_file.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store/record_inputs.hpp"
#include "tools/bundle/bundle_verify.hpp"
#include "tools/audit/store_audit.hpp"
#include "tools/audit/chain_words.hpp"
#include "tools/audit/log_check.hpp"
#include "tools/audit/store_findings.hpp"
#include "tools/verbs/json_report.hpp"
#include "tools/verbs/record_source.hpp"
#include "tools/verbs/verb.hpp"
#include "tools/verbs/verb_store.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

namespace bodycam::tools::verbs {

namespace fs = std::filesystem;
using namespace bodycam::common;

namespace {

struct verify_args {
  std::string path;
  std::string store_config;
  std::string key_file;
  std::string device;
  std::string checkpoint_file;
  std::string root;
  std::vector<std::string> witnesses;
  bool json = false;
  bool excerpt = false;
  unsigned jobs = 0;
};

int cannot(const verify_args& args, const std::string& message) {
  return report_error("verify", args.json, exit_cannot, "cannot verify: " + message);
}

core::expected<std::vector<audit::trusted_witness>> witness_keys(const verify_args& args) {
  std::vector<audit::trusted_witness> out;
  for (const auto& file : args.witnesses) {
    auto key = crypto::load_public_key(file);
    if (!key) return core::wrap("witness key --witness " + file, key.error());
    out.push_back({key->label, key->key});
  }
  return out;
}

int verify_bundle_dir(const fs::path& path, const verify_args& args) {
  auto witnesses = witness_keys(args);
  if (!witnesses) return cannot(args, witnesses.error().context);
  if (!args.root.empty())
    return cannot(args, "--root applies to a store; a bundle's log key is the dock key it carries (compare its "
                        "fingerprint with the enrollment register)");
  const auto report = bundle::verify_bundle(path, {*witnesses});
  if (args.json) {
    auto j = bundle::bundle_report_json(report);
    j["bundle"] = absolute_path_text(path.string());
    print_json_document(j);
  }
  else std::fputs(bundle::bundle_report_text(report).c_str(), stdout);
  return chain::exit_code(report.verdict);
}

// Every device of a store, each under the key the store holds for it, and every file its records describe and
// every record and file its receipts cover (tools/audit/store_findings.hpp: the same checks and codes as audit).
// `path` empty: the store of --store-config.
int verify_store(const fs::path& path, const verify_args& args) {
  auto s = open_verb_store(path.string(), args.store_config);
  if (!s) return cannot(args, s.error().context);
  const std::string name = path.empty() ? s->describe() : absolute_path_text(path.string());
  auto devices = s->list_devices();
  if (!devices) return cannot(args, devices.error().context);
  if (devices->empty()) return cannot(args, (path.empty() ? name : path.string()) + ": the store holds no records");
  auto retention = registers::read_register(*s, store::entry_namespace::retention);
  if (!retention) return cannot(args, retention.error().context);
  const auto expired = audit::expired_objects(*retention);
  auto receipt_names = s->list_entries(store::entry_namespace::receipts);
  if (!receipt_names) return cannot(args, receipt_names.error().context);
  chain::verdict worst = chain::verdict::authentic;
  nlohmann::json all = nlohmann::json::array();
  std::vector<std::string> all_gaps;
  std::size_t all_records = 0, all_problems = 0;
  for (const auto& device : *devices) {
    // One device that cannot be checked does not stop the others (chain.md V13, V14): its key file unusable is
    // cannot_verify, a record file the store refuses is not_authentic, and the store's verdict is the worst.
    auto key = s->get_public_key(device);
    auto inputs = store::read_record_inputs(*s, device);
    if (!inputs && inputs.error().code != core::errc::corrupt) return cannot(args, inputs.error().context);
    if (!key || !inputs) {
      const bool unreadable = !inputs;
      const auto device_verdict = unreadable ? chain::verdict::not_authentic : chain::verdict::cannot_verify;
      const std::string problem = unreadable ? "record_unreadable: " + inputs.error().context
                                             : "no usable enrolled key: " + key.error().context;
      worst = audit::worse_of(worst, device_verdict);
      ++all_problems;
      if (args.json)
        all.push_back({{"device", device.str()},
                       {"verdict", std::string(chain::to_string(device_verdict))},
                       {"exit_code", chain::exit_code(device_verdict)},
                       {"problem", problem},
                       {"records", nlohmann::json::array()},
                       {"store_findings", nlohmann::json::array()}});
      else
        std::printf("%s: %s\n%s\n\n", device.str().c_str(), problem.c_str(),
                    audit::verdict_sentence(device_verdict, device.str(), 0, 1, {}).c_str());
      continue;
    }
    chain::verify_options options{device, key->key, true, std::nullopt};
    options.signatures.jobs = args.jobs;
    const auto report = chain::verify_chain(*inputs, options);
    auto findings = audit::check_described_objects(*s, device, report, expired);
    if (!findings) return cannot(args, findings.error().context);
    auto receipts = audit::read_device_receipts(*s, device, *receipt_names);
    if (!receipts) return cannot(args, receipts.error().context);
    auto coverage = audit::check_receipt_coverage(*s, device, report, *receipts, expired, true);
    if (!coverage) return cannot(args, coverage.error().context);
    findings->insert(findings->end(), coverage->begin(), coverage->end());
    const auto device_verdict =
        findings->empty() ? report.result : audit::worse_of(report.result, chain::verdict::not_authentic);
    worst = audit::worse_of(worst, device_verdict);
    if (args.json) {
      auto j = chain::report_to_json(report, options);
      nlohmann::json fj = nlohmann::json::array();
      for (const auto& f : *findings) fj.push_back(audit::store_finding_json(f));
      j["store_findings"] = fj;
      j["verdict"] = std::string(chain::to_string(device_verdict));
      j["exit_code"] = chain::exit_code(device_verdict);
      all.push_back(std::move(j));
    } else {
      std::string text = audit::chain_lines(report, options);
      for (const auto& f : *findings) text += audit::describe(f) + "\n";
      const auto gaps = audit::documented_gap_lines(report, device);
      text += audit::verdict_sentence(device_verdict, device.str(), report.records.size(),
                                      report.problem_count() + findings->size(), gaps);
      std::fputs((text + "\n").c_str(), stdout);
      all_gaps.insert(all_gaps.end(), gaps.begin(), gaps.end());
    }
    all_records += report.records.size();
    all_problems += report.problem_count() + findings->size();
  }
  // The store log, as the audit checks it.
  audit::log_check_options log_options;
  if (!args.root.empty()) {
    auto key = crypto::load_public_key(args.root);
    if (!key) return cannot(args, "agency root --root " + args.root + ": " + key.error().context);
    log_options.root = audit::trusted_root{key->key, "--root " + args.root};
  }
  auto witnesses = witness_keys(args);
  if (!witnesses) return cannot(args, witnesses.error().context);
  log_options.witnesses = std::move(*witnesses);
  std::set<std::string> expired_keys;
  for (const auto& digest : expired) expired_keys.insert("objects/sha256/" + digest.to_hex());
  auto log = audit::check_store_log_excluding(*s, expired_keys, log_options);
  if (!log) return cannot(args, log.error().context);
  worst = audit::worse_of(worst, log->verdict);
  for (const auto& f : log->findings) {
    if (f.code == "log_unwitnessed") all_gaps.push_back("the store log: " + f.detail);
    else ++all_problems;
  }
  const std::string verdict(chain::to_string(worst));
  if (args.json)
    print_json_document({{"format", "bodycam-verify-store"},
                         {"version", 1},
                         {"store", name},
                         {"verdict", verdict},
                         {"exit_code", chain::exit_code(worst)},
                         {"devices", all},
                         {"log", audit::render_log_json(*log)}});
  else
    std::printf("%sStore %s: %s", audit::render_log_text(*log).substr(1).append("\n").c_str(),
                name.c_str(),
                audit::verdict_sentence(worst, "the store's " + std::to_string(devices->size()) + " device(s)",
                                        all_records, all_problems, all_gaps)
                    .c_str());
  return chain::exit_code(worst);
}

int run_verify(const verify_args& args) {
  if (!args.store_config.empty()) return verify_store({}, args);
  std::error_code ec;
  const fs::path path(args.path);
  if (!fs::exists(path, ec)) return cannot(args, args.path + ": no such file or directory");
  const bool is_dir = fs::is_directory(path, ec);
  if (is_dir && (fs::exists(path / bundle::sums_name, ec) || fs::exists(path / bundle::manifest_name, ec)))
    return verify_bundle_dir(path, args);
  if (is_dir && fs::exists(path / store::store_marker_name, ec)) return verify_store(path, args);
  const auto store_root = is_dir ? store_root_of_records(path) : std::nullopt;

  core::expected<record_set> source =
      store_root  ? read_store_records(*store_root, fs::absolute(path).lexically_normal().filename().string())
      : is_dir    ? read_record_directory(path)
      : looks_like_sqlite(path) ? read_ledger_records(path)
                                : core::expected<record_set>(core::fail(core::errc::malformed,
                                                                        args.path + ": neither a ledger nor a "
                                                                                    "directory of records"));
  if (!source) return cannot(args, source.error().context);
  if (source->records.empty()) return cannot(args, args.path + ": holds no records; nothing to verify");

  core::expected<crypto::labelled_public_key> key = core::fail(core::errc::not_found, "");
  if (!args.key_file.empty()) {
    key = crypto::load_public_key(args.key_file);
  } else if (store_root && source->device) {
    auto s = store::open_directory_store(*store_root, false);
    auto device = record::device_id::parse(*source->device);
    if (s && device) key = s->get_public_key(*device);
  }
  if (args.key_file.empty() && !key) return cannot(args, "no device public key given (--key FILE.pub)");
  if (!key) return cannot(args, key.error().context);

  const std::string device_text = !args.device.empty() ? args.device : source->device.value_or(key->label);
  auto device = record::device_id::parse(device_text);
  if (!device) return cannot(args, device.error().context);

  chain::verify_options options{*device, key->key, !args.excerpt, std::nullopt};
  options.signatures.jobs = args.jobs;
  if (!args.checkpoint_file.empty()) {
    auto bytes = core::read_file(args.checkpoint_file, 4096);
    if (!bytes) return cannot(args, bytes.error().context);
    auto cp = chain::parse_signed_checkpoint(*bytes);
    if (!cp) return cannot(args, "checkpoint " + args.checkpoint_file + ": " + cp.error().context);
    options.checkpoint = *cp;
  }

  const auto report = chain::verify_chain(source->records, options);
  if (args.json) {
    auto j = chain::report_to_json(report, options);
    j["format"] = "bodycam-verify-chain";
    j["version"] = 1;
    j["source"] = absolute_path_text(args.path);
    print_json_document(j);
  }
  else
    std::fputs(audit::chain_text(report, options).c_str(), stdout);
  return chain::exit_code(report.result);
}

}  // namespace

void add_verify(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand(
      "verify",
      "Verify a device's record chain (a ledger file or a directory of records named by seq), every chain of a "
      "store, or a court bundle offline. Exit 0 authentic, 1 authentic with documented gaps, 2 not authentic, "
      "3 cannot verify");
  auto args = std::make_shared<verify_args>();
  add_store_options(*cmd, args->path, args->store_config, "Ledger file, records directory, store or bundle", "path");
  cmd->add_option("--key", args->key_file, "The device's public key file (<id>.pub)");
  cmd->add_option("--device", args->device, "Device id (default: what the ledger or directory says)");
  cmd->add_option("--checkpoint", args->checkpoint_file, "A signed checkpoint: exposes records cut from the end");
  cmd->add_option("--witness", args->witnesses,
                  "A witness public key whose cosignature the store log's checkpoint must carry (a store or a "
                  "bundle; repeatable, one suffices; for a store the default is every witness the enrollment "
                  "register enrolled)");
  cmd->add_option("--root", args->root,
                  "For a store: the agency root public key under which the enrollment register names the docks "
                  "that may sign the log's checkpoints (default: the store's own root, not confirmed)");
  cmd->add_flag("--excerpt", args->excerpt, "The records start after seq 0 (an excerpt); do not expect seq 0");
  cmd->add_flag("--json", args->json, "Print the report as JSON");
  add_jobs_option(*cmd, args->jobs, "signatures (a ledger, records or a store; a bundle uses one per core)");
  cmd->callback([args, &result] {
    result.exit_code = check_store_given("verify", args->path, args->store_config);
    if (result.exit_code == 0) result.exit_code = run_verify(*args);
  });
}

}  // namespace bodycam::tools::verbs
