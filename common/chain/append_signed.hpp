// Appending one signed record to a device's ledger: the ledger reads its head inside its append transaction,
// the head sets the draft's seq and prev_hash (append_to_chain), the record is signed and stored, and the
// caller's rows commit with it. Every writer of a ledger (the camera's chain writer, the tools) appends
// through this function, so the head-to-record glue exists once.
// Guarantees (from common/ledger invariants 1-4): the record carries seq == head.next_seq and
// prev_hash == head.last_hash of the head it was appended to; if signing, the ledger's checks or `also`
// fail, nothing is written and the head stays where it was; success is returned only after the commit.
#pragma once

#include "common/chain/append.hpp"
#include "common/ledger/ledger.hpp"

namespace bodycam::common::chain {

// Rows that commit atomically with the record; `seq` is the seq the record is getting.
using rows_with_record = std::function<core::status(ledger::transaction&, std::uint64_t seq)>;

// Appends `draft` (its seq and prev_hash are overwritten from the head) signed by `signer` to `to`.
// Errors: the signer's, or the ledger's (conflict, io, read-only, ...) naming the ledger file.
[[nodiscard]] core::expected<record::signed_record> append_signed(ledger::ledger& to, record::record draft,
                                                                  crypto::signer& signer,
                                                                  const rows_with_record& also = {});

}  // namespace bodycam::common::chain
