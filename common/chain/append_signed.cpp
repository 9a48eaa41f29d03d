#include "common/chain/append_signed.hpp"

#include <optional>

namespace bodycam::common::chain {

core::expected<record::signed_record> append_signed(ledger::ledger& to, record::record draft, crypto::signer& signer,
                                                    const rows_with_record& also) {
  std::optional<record::signed_record> made;
  auto stored = to.append_record(
      [&](const chain_head& head) -> core::expected<ledger::new_record> {
        auto signed_record = append_to_chain(draft, head, signer);
        if (!signed_record) return std::unexpected(signed_record.error());
        ledger::new_record out{signed_record->body.seq, static_cast<std::uint16_t>(signed_record->body.kind()),
                               signed_record->bytes};
        made = std::move(*signed_record);
        return out;
      },
      [&](ledger::transaction& tx, const ledger::stored_record& r) -> core::status {
        return also ? also(tx, r.seq) : core::status{};
      });
  if (!stored) return std::unexpected(stored.error());
  return std::move(*made);
}

}  // namespace bodycam::common::chain
