// bodycam witness cosign: a witness in another office cosigns the store log's newest checkpoint if it extends the
// one it cosigned last (tools/witness, docs/formats/log.md §8); exit 0 cosigned, 2 refused (the reason printed),
// 3 could not (nothing changed).
// bodycam witness serve: the same witness as an HTTP service the docks submit checkpoints to (C2SP tlog-witness
// add-checkpoint, docs/formats/log.md §9); logs "listening on HOST:PORT" and one line per request on standard
// error, runs until SIGTERM or SIGINT, exit 0 then, 3 if it cannot start (bad key, state locked by another
// process, address in use).
#include "common/crypto/key_file.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store_log/log_appender.hpp"
#include "tools/verbs/verb.hpp"
#include "tools/witness/store_witness.hpp"
#include "tools/witness/witness_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

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
  std::string listen;
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
  auto lock = witness::state_lock::acquire(args.state);  // one process per state file
  if (!lock) return cannot(lock.error().context);
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

std::chrono::sys_seconds now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

int run_serve(const witness_args& args) {
  const auto cannot = [](const std::string& why) {
    std::fprintf(stderr, "bodycam witness serve: %s\n", why.c_str());
    return exit_cannot;
  };
  auto listen = witness::parse_listen_address(args.listen);
  if (!listen) return cannot("--listen: " + listen.error().context);
  witness::witness_service_config config;
  config.origin = args.origin;
  config.state_file = args.state;
  config.clock = now_seconds;
  for (const auto& text : args.log_keys) {
    auto key = parse_log_key(text);
    if (!key) return cannot("--log-key " + text + ": " + key.error().context);
    config.log_keys.push_back(std::move(*key));
  }
  auto key = crypto::load_secret_key(args.key);
  if (!key) return cannot(key.error().context);
  config.name = key->label;
  const std::string name = key->label;
  crypto::software_signer signer(std::move(key->key));
  config.signer = &signer;
  auto service = witness::witness_service::open(std::move(config));
  if (!service) return cannot(service.error().context);
  boost::asio::io_context io;
  witness::witness_server_options options;
  options.address = listen->first;
  options.port = listen->second;
  options.log = [](const std::string& line) {
    std::fprintf(stderr, "bodycam witness serve: %s\n", line.c_str());
    std::fflush(stderr);
  };
  auto server = witness::witness_server::start(io, options, *service);
  if (!server) return cannot(server.error().context);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& e, int) {
    if (!e) (*server)->stop();
  });
  std::fprintf(stderr, "bodycam witness serve: listening on %s:%u as witness %s for log %s (last cosigned size %llu)\n",
              listen->first.c_str(), static_cast<unsigned>((*server)->port()), name.c_str(), args.origin.c_str(),
              static_cast<unsigned long long>(service->state().last.size));
  std::fflush(stderr);
  io.run();
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

  auto* serve = cmd->add_subcommand(
      "serve", "Answer the docks' add-checkpoint requests over HTTP (C2SP tlog-witness) until SIGTERM");
  auto sargs = std::make_shared<witness_args>();
  serve->add_option("--listen", sargs->listen, "HOST:PORT to listen on, e.g. 127.0.0.1:8480 (port 0: any free)")
      ->required();
  serve->add_option("--key", sargs->key, "The witness's secret key file (made with bodycam keygen)")->required();
  serve->add_option("--state", sargs->state, "The witness's state file for this log (created on first use)")
      ->required();
  serve->add_option("--log-key", sargs->log_keys,
                    "A key allowed to sign the log's checkpoints: a dock's .pub file or a verifier key")
      ->required();
  serve->add_option("--origin", sargs->origin, "The log's origin")->capture_default_str();
  serve->callback([sargs, &result] { result.exit_code = run_serve(*sargs); });
}

}  // namespace bodycam::tools::verbs
