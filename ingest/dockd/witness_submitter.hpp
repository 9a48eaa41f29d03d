// After a docking has appended its leaves to the store log, the dock submits the log's newest checkpoint to
// every configured witness (C2SP tlog-witness add-checkpoint, common/tlog/witness_protocol.hpp) and stores each
// cosignature it gets back in the store, where `bodycam witness cosign` would put it:
// log/cosignature/<size>/<witness>. The witness is reached through a transport port (witness_http.hpp over
// TCP; fakes in tests).
// Steps per witness (W = its name):
//   1. If log/cosignature/<newest size>/W is already stored, nothing to do.
//   2. old size = the largest N with log/cosignature/N/W in the store (0 if none); proof from N to the newest.
//   3. POST; on 409 text/x.tlog.size with size S, retry once: from S with a proof from S when S is not past the
//      checkpoint, or with the store's newest checkpoint again when another dock already showed W a larger one.
//   4. On 200, keep the answer's line by W only if it verifies as W's cosignature (cosignature/v1) of exactly
//      that checkpoint, then store it create-only (another stored line of W for that size is kept as it is).
// Invariants:
//  1. Nothing here touches footage, records or receipts: it runs after the receipt is given, and a witness that
//     is down or refuses costs at most its timeout, once per witness, never an item of the docking.
//  2. Only a line that verifies under W's configured key is stored; a witness that answers anything else is
//     `refused`, and the store holds no cosignature from it for that size.
//  3. Each outcome names the witness, the checkpoint size and why: cosigned, unreachable (no HTTP answer), or
//     refused (an HTTP answer other than a verified cosignature), so the dock raises witness_unreachable or
//     witness_refused and tries again after the next docking.
//  4. One submission at a time per submitter (a mutex): two workers of a dock never race to one witness.
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/store/store_backend.hpp"
#include "common/tlog/note.hpp"
#include "ingest/dockd/dockd_config.hpp"

#include <mutex>
#include <vector>

namespace bodycam::ingest::dockd {

struct witness_answer {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

class witness_transport {
 public:
  virtual ~witness_transport() = default;
  // One POST of `body` to the witness's target. An error means no HTTP answer (connect, timeout, reset).
  [[nodiscard]] virtual common::core::expected<witness_answer> post(const witness_endpoint& witness,
                                                                    const std::string& body) = 0;
};

struct witness_peer {
  witness_endpoint endpoint;
  common::tlog::note_verifier cosignature_key;  // name = endpoint.name, type cosignature_v1
};

// Errors: invalid_argument when the key's label is not the configured name.
[[nodiscard]] common::core::expected<witness_peer> make_witness_peer(const witness_endpoint& endpoint,
                                                                     const std::string& key_label,
                                                                     const common::crypto::public_key& key);

enum class submission_result { cosigned, already_cosigned, unreachable, refused, store_failed };
[[nodiscard]] std::string_view to_string(submission_result r) noexcept;

struct witness_submission {
  std::string witness;
  std::string url;
  submission_result result = submission_result::refused;
  std::uint64_t size = 0;  // the checkpoint submitted
  std::string detail;      // why, for unreachable, refused and store_failed
  [[nodiscard]] bool is_ok() const noexcept {
    return result == submission_result::cosigned || result == submission_result::already_cosigned;
  }
};

class witness_submitter {
 public:
  witness_submitter(std::vector<witness_peer> peers, witness_transport& transport) noexcept
      : peers_(std::move(peers)), transport_(transport) {}

  // Submits the store log's newest checkpoint to every witness; empty when there is none or the log is empty.
  // Errors: the store log cannot be read (nothing submitted).
  [[nodiscard]] common::core::expected<std::vector<witness_submission>> submit(common::store::store_backend& backend);
  [[nodiscard]] bool empty() const noexcept { return peers_.empty(); }

 private:
  [[nodiscard]] witness_submission submit_one(common::store::store_backend& backend, const witness_peer& peer);

  std::vector<witness_peer> peers_;
  witness_transport& transport_;
  std::mutex mutex_;
};

}  // namespace bodycam::ingest::dockd
