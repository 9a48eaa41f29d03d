// Inclusion and consistency proofs of the store log: generation from any hash_reader (so a server proves from
// tiles in whatever storage holds them) and verification by the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.
// Proof hashes are in RFC 6962 / RFC 9162 order (leaf to root), identical to Go's tlog RecordProof/TreeProof.
// Guarantees: a verify function succeeds only if the proof, the sizes and both hashes fit together exactly;
// a proof with a hash too many or too few, or any changed bit, is refused with an error naming the check.
#pragma once

#include "common/tlog/stored_hash.hpp"

#include <vector>

namespace bodycam::common::tlog {

using proof = std::vector<hash>;

// Proof that leaf `index` is in the tree of `tree_size` leaves.
[[nodiscard]] core::expected<proof> prove_inclusion(std::uint64_t tree_size, std::uint64_t index, hash_reader& stored);
// Proof that the tree of `old_size` leaves is a prefix of the tree of `new_size` leaves (0 < old_size <= new_size).
[[nodiscard]] core::expected<proof> prove_consistency(std::uint64_t new_size, std::uint64_t old_size,
                                                      hash_reader& stored);

// RFC 9162 §2.1.3.2. Errors: invalid_argument (index outside the tree), corrupt (the proof does not lead to root).
[[nodiscard]] core::status verify_inclusion(const proof& path, std::uint64_t tree_size, const hash& root,
                                            std::uint64_t index, const hash& leaf);
// RFC 9162 §2.1.4.2, plus: equal sizes need an empty proof and equal roots; old_size 0 needs an empty proof.
[[nodiscard]] core::status verify_consistency(const proof& path, std::uint64_t old_size, const hash& old_root,
                                              std::uint64_t new_size, const hash& new_root);

}  // namespace bodycam::common::tlog
