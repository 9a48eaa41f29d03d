// A clerk tool logs the entries it just wrote (access, retention, enrollment) in the store log at once, with the
// same appender the dock uses (common/store_log/log_appender.hpp: create-only claim, retry, anyone finishes), so a
// tool and a dock appending at the same moment serialize on the batch they claim. The checkpoint it finishes is
// signed by the log key, which is a dock's key: `--log-key FILE` is the secret key file of a dock the store has
// enrolled (keys/<dock>.pub holds its public half, and the store's enrollment register, if it has one, enrolls it
// as a dock; docs/formats/log.md §4.8). Guarantees: without a log key, or
// when the append fails, nothing is lost: the entries are stored, and the next dock start-up logs them
// (reconcile); the returned line says which happened. A log key the store does not hold for that dock is refused
// before anything is written.
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/store/store.hpp"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bodycam::tools::verbs {

struct log_key {
  std::string dock_id;
  std::unique_ptr<common::crypto::software_signer> signer;
};

// Empty file name: no key (nullopt). Errors: the key file cannot be read; the store does not hold it as
// keys/<its label>.pub; the register enrolls no dock of that name with it (or, without a register, it is a
// camera's).
[[nodiscard]] common::core::expected<std::optional<log_key>> load_log_key(const common::store::store& s,
                                                                          const std::string& file);

// The keys of `keys` the store does not hold now: called before a write that may create them (a clerk's first
// entry also puts keys/<clerk>.pub), it names what the write added beside its entries.
[[nodiscard]] std::vector<std::string> not_yet_stored(common::store::store& s, std::vector<std::string> keys);

// Appends the leaves of `keys` (store keys just written; absent ones are skipped) and returns one line for the
// verb's output, "store log: …".
[[nodiscard]] std::string log_entries_now(common::store::store& s, const std::optional<log_key>& key,
                                          std::span<const std::string> keys);

}  // namespace bodycam::tools::verbs
