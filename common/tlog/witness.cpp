#include "common/tlog/witness.hpp"

namespace bodycam::common::tlog {

std::string_view to_string(witness_verdict v) noexcept {
  switch (v) {
    case witness_verdict::cosign: return "cosign";
    case witness_verdict::malformed_checkpoint: return "malformed checkpoint";
    case witness_verdict::bad_log_signature: return "bad log signature";
    case witness_verdict::wrong_origin: return "wrong origin";
    case witness_verdict::old_size_mismatch: return "old size mismatch";
    case witness_verdict::smaller_tree: return "smaller tree";
    case witness_verdict::fork: return "fork";
    case witness_verdict::bad_proof: return "bad proof";
  }
  return "unknown";
}

witness_decision decide_cosignature(const witness_log& log, const witnessed_state& last,
                                    std::string_view signed_checkpoint, std::uint64_t old_size,
                                    const proof& consistency) {
  witness_decision d;
  const auto refuse = [&](witness_verdict v, std::string why) {
    d.verdict = v;
    d.reason = "witness " + log.origin + ": " + std::move(why);
    return d;
  };
  const note_verifier keys[] = {log.log_key};
  auto opened = open_note(signed_checkpoint, keys);
  if (!opened) {
    const bool signature = opened.error().code == core::errc::bad_signature;
    return refuse(signature ? witness_verdict::bad_log_signature : witness_verdict::malformed_checkpoint,
                  opened.error().context);
  }
  auto c = parse_checkpoint(opened->text);
  if (!c) return refuse(witness_verdict::malformed_checkpoint, c.error().context);
  if (c->origin != log.origin) return refuse(witness_verdict::wrong_origin, "checkpoint origin is " + c->origin);
  const std::string sizes = "last cosigned size " + std::to_string(last.size) + ", new size " + std::to_string(c->size);
  if (old_size != last.size) {
    return refuse(witness_verdict::old_size_mismatch,
                  "request is from size " + std::to_string(old_size) + " but " + sizes);
  }
  if (c->size < last.size) return refuse(witness_verdict::smaller_tree, sizes);
  if (c->size == last.size && c->root != last.root) {
    return refuse(witness_verdict::fork, "two roots at size " + std::to_string(c->size) + ": " + last.root.to_hex() +
                                             " cosigned, " + c->root.to_hex() + " offered");
  }
  if (auto ok = verify_consistency(consistency, last.size, last.root, c->size, c->root); !ok) {
    return refuse(witness_verdict::bad_proof, ok.error().context);
  }
  d.verdict = witness_verdict::cosign;
  d.reason = "witness " + log.origin + ": consistent, " + sizes;
  d.accepted = std::move(*c);
  d.text = std::move(opened->text);
  return d;
}

}  // namespace bodycam::common::tlog
