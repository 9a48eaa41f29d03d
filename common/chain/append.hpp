// Appending to a device's chain, pure: the head (next seq, hash of the last record) decides the new record's
// seq and prev_hash, then the record is encoded and signed. Storage (the ledger) supplies the head inside its
// transaction and stores the result; this file does no I/O.
#pragma once

#include "common/chain/chain_head.hpp"
#include "common/record/record.hpp"

namespace bodycam::common::chain {

// Sets draft.seq and draft.prev_hash from `head`, then signs. The draft's other fields are kept.
[[nodiscard]] core::expected<record::signed_record> append_to_chain(record::record draft, const chain_head& head,
                                                                     crypto::signer& signer);

[[nodiscard]] inline chain_head head_after(const record::signed_record& r) noexcept {
  return chain_head{r.body.seq + 1, r.hash};
}

}  // namespace bodycam::common::chain
