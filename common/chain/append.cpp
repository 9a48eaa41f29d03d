#include "common/chain/append.hpp"

namespace bodycam::common::chain {

core::expected<record::signed_record> append_to_chain(record::record draft, const chain_head& head,
                                                       crypto::signer& signer) {
  draft.seq = head.next_seq;
  draft.prev_hash = head.next_seq == 0 ? crypto::sha256_digest{} : head.last_hash;
  return record::sign_record(std::move(draft), signer);
}

}  // namespace bodycam::common::chain
