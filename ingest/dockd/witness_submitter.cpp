// Submitting the store log's checkpoints to witnesses; steps and invariants in witness_submitter.hpp.
#include "ingest/dockd/witness_submitter.hpp"

#include "common/store_log/log_files.hpp"
#include "common/store_log/log_reader.hpp"
#include "common/tlog/witness_protocol.hpp"

#include <algorithm>

namespace bodycam::ingest::dockd {

namespace core = common::core;
namespace tlog = common::tlog;
namespace store_log = common::store_log;

namespace {

using core::text_bytes;

core::expected<bool> has_cosignature(const common::store::store_backend& backend, std::uint64_t size,
                                     const std::string& witness) {
  auto key = store_log::cosignature_key(size, witness);
  if (!key) return std::unexpected(key.error());
  auto file = store_log::read_log_file(backend, *key, 4096);
  if (!file) return std::unexpected(file.error());
  return file->has_value();
}

// Step 2: the largest checkpoint size below `newest` that the store holds a cosignature of `witness` for.
core::expected<std::uint64_t> last_cosigned_size(const common::store::store_backend& backend, std::uint64_t newest,
                                                 const std::string& witness) {
  auto sizes = store_log::list_checkpoint_sizes(backend);
  if (!sizes) return std::unexpected(sizes.error());
  for (auto it = sizes->rbegin(); it != sizes->rend(); ++it) {
    if (*it > newest) continue;
    auto has = has_cosignature(backend, *it, witness);
    if (!has) return std::unexpected(has.error());
    if (*has) return *it;
  }
  return std::uint64_t{0};
}

std::string answer_text(const witness_answer& a) {
  std::string body = a.body.substr(0, 300);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  return "HTTP " + std::to_string(a.status) + (body.empty() ? std::string() : ": " + body);
}

}  // namespace

std::string_view to_string(submission_result r) noexcept {
  switch (r) {
    case submission_result::cosigned: return "cosigned";
    case submission_result::already_cosigned: return "already_cosigned";
    case submission_result::unreachable: return "unreachable";
    case submission_result::refused: return "refused";
    case submission_result::store_failed: return "store_failed";
  }
  return "unknown";
}

core::expected<witness_peer> make_witness_peer(const witness_endpoint& endpoint, const std::string& key_label,
                                               const common::crypto::public_key& key) {
  if (key_label != endpoint.name)
    return core::fail(core::errc::invalid_argument, "witness " + endpoint.name + ": its key file " +
                                                        endpoint.public_key_file + " belongs to '" + key_label + "'");
  auto verifier = tlog::make_note_verifier(endpoint.name, tlog::key_type::cosignature_v1, key);
  if (!verifier) return core::wrap("witness " + endpoint.name, verifier.error());
  return witness_peer{endpoint, std::move(*verifier)};
}

core::expected<std::vector<witness_submission>> witness_submitter::submit(common::store::store_backend& backend) {
  std::lock_guard lock(mutex_);  // invariant 4
  std::vector<witness_submission> out;
  if (peers_.empty()) return out;
  auto newest = store_log::newest_checkpoint(backend);
  if (!newest) return core::wrap("submit the store log to witnesses", newest.error());
  if (!*newest) return out;
  for (const auto& peer : peers_) out.push_back(submit_one(backend, peer));
  return out;
}

witness_submission witness_submitter::submit_one(common::store::store_backend& backend, const witness_peer& peer) {
  witness_submission s{peer.endpoint.name, peer.endpoint.url, submission_result::refused, 0, {}};
  const auto fail = [&](submission_result r, std::string why) {
    s.result = r;
    s.detail = "witness " + peer.endpoint.name + " (" + peer.endpoint.url + "), checkpoint " + std::to_string(s.size) +
               ": " + std::move(why);
    return s;
  };
  auto newest = store_log::newest_checkpoint(backend);
  if (!newest || !*newest) return fail(submission_result::store_failed, newest ? "the log is empty" : newest.error().context);
  store_log::stored_checkpoint checkpoint = std::move(**newest);
  s.size = checkpoint.checkpoint.size;
  auto done = has_cosignature(backend, s.size, peer.endpoint.name);  // step 1
  if (!done) return fail(submission_result::store_failed, done.error().context);
  if (*done) {
    s.result = submission_result::already_cosigned;
    return s;
  }
  auto old = last_cosigned_size(backend, s.size, peer.endpoint.name);  // step 2
  if (!old) return fail(submission_result::store_failed, old.error().context);
  std::uint64_t old_size = *old;
  witness_answer answer;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto proof = store_log::prove_log_consistency(backend, checkpoint.checkpoint, old_size);
    if (!proof) return fail(submission_result::store_failed, "consistency proof from " + std::to_string(old_size) + ": " +
                                                                 proof.error().context);
    const auto body = tlog::format_add_checkpoint({old_size, std::move(*proof), checkpoint.note});
    auto posted = transport_.post(peer.endpoint, body);
    if (!posted) return fail(submission_result::unreachable, posted.error().context);
    answer = std::move(*posted);
    if (answer.status != 409 || answer.content_type != tlog::witness_size_content_type || attempt == 1) break;
    auto known = tlog::parse_witness_size(answer.body);  // step 3
    if (!known) return fail(submission_result::refused, "409 with " + known.error().context);
    if (*known > s.size) {
      auto again = store_log::newest_checkpoint(backend);
      if (!again || !*again || (*again)->checkpoint.size < *known)
        return fail(submission_result::refused,
                    "the witness has cosigned size " + std::to_string(*known) + ", larger than this store's log");
      checkpoint = std::move(**again);
      s.size = checkpoint.checkpoint.size;
    }
    old_size = *known;
  }
  if (answer.status != 200) return fail(submission_result::refused, answer_text(answer));
  auto lines = tlog::split_cosignature_lines(answer.body);  // step 4
  if (!lines) return fail(submission_result::refused, lines.error().context);
  const std::string mine = "\xE2\x80\x94 " + peer.endpoint.name + " ";
  const auto line = std::find_if(lines->begin(), lines->end(), [&](const std::string& l) { return l.starts_with(mine); });
  if (line == lines->end()) return fail(submission_result::refused, "no cosignature line by " + peer.endpoint.name);
  const tlog::note_verifier keys[] = {peer.cosignature_key};
  auto opened = tlog::open_note(checkpoint.note + *line, keys);  // invariant 2
  if (!opened) return fail(submission_result::refused, "its cosignature does not verify: " + opened.error().context);
  auto key = store_log::cosignature_key(s.size, peer.endpoint.name);
  if (!key) return fail(submission_result::store_failed, key.error().context);
  auto created = store_log::create_exact(backend, *key, text_bytes(*line));
  if (!created && created.error().code != core::errc::conflict)
    return fail(submission_result::store_failed, "store the cosignature: " + created.error().context);
  s.result = created ? submission_result::cosigned : submission_result::already_cosigned;
  return s;
}

}  // namespace bodycam::ingest::dockd
