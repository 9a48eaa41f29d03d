// The add-checkpoint service; answers, order of checks and invariants in witness_service.hpp.
#include "tools/witness/witness_service.hpp"

#include "common/tlog/cosignature.hpp"
#include "common/tlog/witness_protocol.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

namespace bodycam::tools::witness {

namespace core = bodycam::common::core;
namespace tlog = bodycam::common::tlog;

namespace {

witness_reply text_reply(unsigned status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body) + "\n"};
}

// The checkpoint text inside a note (before the blank line), parsed without checking any signature; nullopt if
// it does not parse (the witness rule then answers malformed).
std::optional<tlog::checkpoint> peek(std::string_view note) {
  const auto end = note.find("\n\n");
  if (end == std::string_view::npos) return std::nullopt;
  auto c = tlog::parse_checkpoint(note.substr(0, end + 1));
  if (!c) return std::nullopt;
  return std::move(*c);
}

}  // namespace

core::expected<state_lock> state_lock::acquire(const std::filesystem::path& state_file) {
  const auto path = state_file.string() + ".lock";
  core::unique_fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.is_open()) return core::fail_errno("open witness lock", path, errno);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return core::fail(core::errc::conflict,
                        "lock witness state " + state_file.string() + ": another witness process is using it");
    return core::fail_errno("lock witness state", path, errno);
  }
  return state_lock(std::move(fd));
}

core::expected<witness_service> witness_service::open(witness_service_config config) {
  if (config.signer == nullptr || config.log_keys.empty() || !config.clock)
    return core::fail(core::errc::invalid_argument, "witness " + config.name + ": needs its key, a log key and a clock");
  auto lock = state_lock::acquire(config.state_file);
  if (!lock) return std::unexpected(lock.error());
  auto loaded = load_witness_state(config.state_file);
  if (!loaded) return std::unexpected(loaded.error());
  witness_state state{config.origin, {}};
  if (*loaded) {
    if ((*loaded)->origin != config.origin)
      return core::fail(core::errc::conflict, "witness state " + config.state_file.string() + " is for log '" +
                                                  (*loaded)->origin + "', not '" + config.origin + "'");
    state = **loaded;
  }
  return witness_service(std::move(config), std::move(*lock), std::move(state));
}

witness_reply witness_service::add_checkpoint(std::string_view body) {
  auto request = tlog::parse_add_checkpoint(body);
  if (!request) return text_reply(400, request.error().context);
  if (auto c = peek(request->note)) {
    if (c->origin != config_.origin)
      return text_reply(404, "add-checkpoint: this witness serves the log " + config_.origin + ", not " + c->origin);
    if (request->old_size > c->size)
      return text_reply(400, "add-checkpoint: old size " + std::to_string(request->old_size) +
                                 " is larger than the checkpoint's size " + std::to_string(c->size));
  }
  tlog::witness_decision decision;
  for (const auto& key : config_.log_keys) {  // the first key whose verdict is not bad_log_signature decides
    decision = tlog::decide_cosignature({config_.origin, key}, state_.last, request->note, request->old_size,
                                        request->consistency);
    if (decision.verdict != tlog::witness_verdict::bad_log_signature) break;
  }
  switch (decision.verdict) {  // invariant 1: every refusal returns before the state is touched
    case tlog::witness_verdict::malformed_checkpoint: return text_reply(400, decision.reason);
    case tlog::witness_verdict::smaller_tree: return text_reply(400, decision.reason);
    case tlog::witness_verdict::wrong_origin: return text_reply(404, decision.reason);
    case tlog::witness_verdict::bad_log_signature: return text_reply(403, decision.reason);
    case tlog::witness_verdict::old_size_mismatch:
      return {409, std::string(tlog::witness_size_content_type), tlog::format_witness_size(state_.last.size)};
    case tlog::witness_verdict::fork: return text_reply(409, decision.reason);
    case tlog::witness_verdict::bad_proof: return text_reply(422, decision.reason);
    case tlog::witness_verdict::cosign: break;
  }
  auto line = tlog::cosign_checkpoint(decision.text, config_.name, *config_.signer, config_.clock());
  if (!line) return text_reply(500, "witness " + config_.name + ": cosign: " + line.error().context);
  const witness_state next{config_.origin, {decision.accepted.size, decision.accepted.root}};
  if (auto saved = save_witness_state(config_.state_file, next); !saved)  // invariant 2
    return text_reply(500, "witness " + config_.name + ": " + saved.error().context);
  state_ = next;
  return {200, "text/plain; charset=utf-8", std::move(*line)};
}

}  // namespace bodycam::tools::witness
