// bodycam witness cosign: a witness in another office cosigns the store log's newest checkpoint if it extends the
// one it cosigned last (tools/witness, docs/formats/log.md §8); exit 0 cosigned, 2 refused (the reason printed),
// 3 could not (nothing changed).
#include "common/crypto/key_file.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store_log/log_appender.hpp"
#include "tools/verbs/verb.hpp"
#include "tools/witness/store_witness.hpp"

#include <cstdio>
#include <filesystem>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

namespace {

struct witness_args {
  std::string store;
  std::string key;
  std::string state;
  std::vector<std::string> log_keys;
  std::string origin = std::string(store_log::default_log_origin);
};

// A log key given as a public key file (bodycam keygen's <id>.pub: the key name is its label) or as a signed-note
// verifier key "<name>+<key id>+<base64>".
core::expected<tlog::note_verifier> parse_log_key(const std::string& text) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(text, ec)) {
    auto pub = crypto::load_public_key(text);
    if (!pub) return std::unexpected(pub.error());
    return tlog::make_note_verifier(pub->label, tlog::key_type::ed25519, pub->key);
  }
  return tlog::parse_verifier_key(text);
}

int run_cosign(const witness_args& args) {
  const auto cannot = [](const std::string& why) {
    std::fprintf(stderr, "bodycam witness cosign: %s\n", why.c_str());
    return exit_cannot;
  };
  witness::witness_request request;
  request.origin = args.origin;
  request.state_file = args.state;
  for (const auto& text : args.log_keys) {
    auto key = parse_log_key(text);
    if (!key) return cannot("--log-key " + text + ": " + key.error().context);
    request.log_keys.push_back(std::move(*key));
  }
  auto key = crypto::load_secret_key(args.key);
  if (!key) return cannot(key.error().context);
  request.name = key->label;
  crypto::software_signer signer(std::move(key->key));
  request.signer = &signer;
  request.now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto s = store::open_directory_store(args.store, false);
  if (!s) return cannot(s.error().context);
  auto outcome = witness::cosign_store(s->backend(), request);
  if (!outcome) return cannot(outcome.error().context);
  if (!outcome->is_cosign()) {
    std::printf("refused: %s (%s)\n", std::string(tlog::to_string(outcome->verdict)).c_str(), outcome->reason.c_str());
    return exit_not_authentic;
  }
  std::printf("cosigned: checkpoint of size %llu as %s%s\n%s\n", static_cast<unsigned long long>(outcome->size),
              request.name.c_str(), outcome->already_cosigned ? " (already cosigned earlier)" : "",
              outcome->reason.c_str());
  return exit_ok;
}

}  // namespace

void add_witness(CLI::App& app, run_result& result) {
  auto* cmd = app.add_subcommand("witness", "Cosign a store log's checkpoints as a witness in another office");
  cmd->require_subcommand(1);
  auto* cosign = cmd->add_subcommand(
      "cosign", "Cosign the store log's newest checkpoint if it extends the last one this witness cosigned");
  auto args = std::make_shared<witness_args>();
  cosign->add_option("STORE", args->store, "The store directory")->required();
  cosign->add_option("--key", args->key, "The witness's secret key file (made with bodycam keygen)")->required();
  cosign->add_option("--state", args->state, "The witness's state file for this log (created on first use)")
      ->required();
  cosign->add_option("--log-key", args->log_keys,
                     "A key allowed to sign the log's checkpoints: a dock's .pub file or a verifier key")
      ->required();
  cosign->add_option("--origin", args->origin, "The log's origin")->capture_default_str();
  cosign->callback([args, &result] { result.exit_code = run_cosign(*args); });
}

}  // namespace bodycam::tools::verbs
