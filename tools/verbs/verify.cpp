// bodycam verify: check a device's chain from a ledger file or a directory of records against the device's
// public key. Prints a per-record report with reason codes and a summary (--json for programs).
// Exit: 0 authentic, 1 authentic with documented gaps, 2 not authentic, 3 cannot verify.
#include "common/chain/report_json.hpp"
#include "common/core/durable_file.hpp"
#include "common/crypto/key_file.hpp"
#include "tools/verbs/record_source.hpp"
#include "tools/verbs/verb.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace bodycam::tools::verbs {

namespace fs = std::filesystem;
using namespace bodycam::common;

namespace {

struct verify_args {
  std::string path;
  std::string key_file;
  std::string device;
  std::string checkpoint_file;
  bool json = false;
  bool excerpt = false;
};

int cannot(const std::string& message) {
  std::fprintf(stderr, "bodycam verify: cannot verify: %s\n", message.c_str());
  return exit_cannot;
}

int run_verify(const verify_args& args) {
  std::error_code ec;
  const fs::path path(args.path);
  if (!fs::exists(path, ec)) return cannot(args.path + ": no such file or directory");

  core::expected<record_set> source = fs::is_directory(path, ec) ? read_record_directory(path)
                                      : looks_like_sqlite(path)  ? read_ledger_records(path)
                                                                 : core::expected<record_set>(core::fail(
                                                                       core::errc::malformed,
                                                                       args.path + ": neither a ledger nor a directory of records"));
  if (!source) return cannot(source.error().context);

  if (args.key_file.empty()) return cannot("no device public key given (--key FILE.pub)");
  auto key = crypto::load_public_key(args.key_file);
  if (!key) return cannot(key.error().context);

  const std::string device_text = !args.device.empty() ? args.device : source->device.value_or(key->label);
  auto device = record::device_id::parse(device_text);
  if (!device) return cannot(device.error().context);

  chain::verify_options options{*device, key->key, !args.excerpt, std::nullopt};
  if (!args.checkpoint_file.empty()) {
    auto bytes = core::read_file(args.checkpoint_file, 4096);
    if (!bytes) return cannot(bytes.error().context);
    auto cp = chain::parse_signed_checkpoint(*bytes);
    if (!cp) return cannot("checkpoint " + args.checkpoint_file + ": " + cp.error().context);
    options.checkpoint = *cp;
  }

  const auto report = chain::verify_chain(source->records, options);
  if (args.json)
    std::printf("%s\n", chain::report_to_json(report, options).dump(2, ' ', false,
                                                                    nlohmann::json::error_handler_t::replace).c_str());
  else
    std::fputs(chain::report_to_text(report, options).c_str(), stdout);
  return chain::exit_code(report.result);
}

}  // namespace

void add_verify(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand(
      "verify",
      "Verify a device's record chain (a ledger file or a directory of records named by seq). "
      "Exit 0 authentic, 1 authentic with documented gaps, 2 not authentic, 3 cannot verify");
  auto args = std::make_shared<verify_args>();
  cmd->add_option("path", args->path, "Ledger file or records directory")->required();
  cmd->add_option("--key", args->key_file, "The device's public key file (<id>.pub)");
  cmd->add_option("--device", args->device, "Device id (default: what the ledger or directory says)");
  cmd->add_option("--checkpoint", args->checkpoint_file, "A signed checkpoint: exposes records cut from the end");
  cmd->add_flag("--excerpt", args->excerpt, "The records start after seq 0 (an excerpt); do not expect seq 0");
  cmd->add_flag("--json", args->json, "Print the report as JSON");
  cmd->callback([args, &result] { result.exit_code = run_verify(*args); });
}

}  // namespace bodycam::tools::verbs
