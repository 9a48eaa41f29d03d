// A register as it sits in a store: every clerk's chain of signed entries in one namespace (access/ or
// retention/), read and checked, and the one way to add an entry. Used by `bodycam export` (access first),
// `bodycam retention` (holds, expiry events) and `bodycam audit` (shows and verifies both registers).
// Invariants:
//  1. append_entry stores the entry create-only at <ns>/<clerk>.<seq> with seq and prev_hash continuing that
//     clerk's chain as stored; if it cannot (store error, a concurrent writer took the seq: conflict) it
//     fails and the caller must not go on (no retrieval without its access entry).
//  2. append_entry first puts the clerk's public key at keys/<clerk>.pub; a different key already enrolled
//     under that id is a conflict and nothing is written.
//  3. read_register checks every entry: it decodes, is stored under its own name, is of a kind the
//     namespace holds, is signed by the key enrolled for its clerk, and its seq and prev_hash continue the
//     clerk's chain. Each problem is a finding with a stable code naming the entry.
#pragma once

#include "common/store/store.hpp"
#include "tools/registers/register_entry.hpp"

#include <string>
#include <vector>

namespace bodycam::tools::registers {

namespace store = common::store;

struct register_finding {
  std::string entry;  // "access/clerk-1.3"
  std::string code;   // malformed, misplaced, wrong_kind, unknown_clerk, wrong_clerk_key, bad_signature,
                      // seq_gap, prev_hash_mismatch
  std::string detail;
};

struct clerk_chain {
  std::string clerk;
  std::vector<signed_entry> entries;  // in seq order, the ones that decoded
};

struct register_book {
  store::entry_namespace ns = store::entry_namespace::access;
  std::vector<clerk_chain> clerks;
  std::vector<register_finding> findings;

  [[nodiscard]] bool is_intact() const noexcept { return findings.empty(); }
  [[nodiscard]] std::size_t entry_count() const noexcept;
};

[[nodiscard]] common::core::expected<register_book> read_register(const store::store& s, store::entry_namespace ns);
// Fills clerk, clerk_key, seq and prev_hash from `clerk_id`, the signer and the stored chain; signs; stores.
[[nodiscard]] common::core::expected<signed_entry> append_entry(store::store& s, store::entry_namespace ns,
                                                                const std::string& clerk_id, register_entry draft,
                                                                crypto::signer& signer);

}  // namespace bodycam::tools::registers
