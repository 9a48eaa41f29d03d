// One witness run over a store; steps and invariants in store_witness.hpp.
#include "tools/witness/store_witness.hpp"

#include "common/store_log/log_files.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/tlog/cosignature.hpp"

namespace bodycam::tools::witness {

namespace core = bodycam::common::core;
namespace tlog = bodycam::common::tlog;
namespace store_log = bodycam::common::store_log;

core::expected<witness_outcome> cosign_store(common::store::store_backend& backend, const witness_request& request) {
  if (request.signer == nullptr || request.log_keys.empty())
    return core::fail(core::errc::invalid_argument, "witness " + request.name + ": needs its key and a log key");
  auto loaded = load_witness_state(request.state_file);
  if (!loaded) return std::unexpected(loaded.error());
  witness_state state{request.origin, {}};
  if (*loaded) {
    if ((*loaded)->origin != request.origin)
      return core::fail(core::errc::conflict, "witness state " + request.state_file.string() + " is for log '" +
                                                  (*loaded)->origin + "', not '" + request.origin + "'");
    state = **loaded;
  }
  auto newest = store_log::newest_checkpoint(backend);
  if (!newest) return core::wrap("witness " + backend.describe(), newest.error());
  if (!*newest) return core::fail(core::errc::not_found, "witness " + backend.describe() + ": the store log is empty");
  const auto& checkpoint = (*newest)->checkpoint;
  witness_outcome out;
  out.size = checkpoint.size;
  // A proof that cannot be built (a smaller tree, a tile that does not authenticate) is given empty: the rule
  // then refuses for the right reason (smaller tree, fork or bad proof).
  tlog::proof proof;
  std::string proof_problem;
  if (state.last.size <= checkpoint.size) {
    auto built = store_log::prove_log_consistency(backend, checkpoint, state.last.size);
    if (built) proof = std::move(*built);
    else proof_problem = "; building the proof: " + built.error().context;
  }
  tlog::witness_decision decision;
  for (const auto& key : request.log_keys) {
    decision = tlog::decide_cosignature({request.origin, key}, state.last, (*newest)->note, state.last.size, proof);
    if (decision.verdict != tlog::witness_verdict::bad_log_signature) break;
  }
  out.verdict = decision.verdict;
  out.reason = decision.reason;
  if (!decision.is_cosign()) {
    out.reason += proof_problem;
    return out;  // invariant 1
  }
  auto line = tlog::cosign_checkpoint(decision.text, request.name, *request.signer, request.now);
  if (!line) return core::wrap("witness " + request.name + ": cosign", line.error());
  const witness_state next{request.origin, {checkpoint.size, checkpoint.root}};
  if (auto ok = save_witness_state(request.state_file, next); !ok) return std::unexpected(ok.error());  // inv. 2
  auto key = store_log::cosignature_key(checkpoint.size, request.name);
  if (!key) return std::unexpected(key.error());
  auto created = store_log::create_exact(backend, *key,
                                         core::byte_view(reinterpret_cast<const std::uint8_t*>(line->data()), line->size()));
  if (!created && created.error().code == core::errc::conflict) {
    out.already_cosigned = true;  // an earlier run cosigned this checkpoint at another time
  } else if (!created) {
    return core::wrap("witness " + request.name + ": store the cosignature", created.error());
  }
  return out;
}

}  // namespace bodycam::tools::witness
