// The export requests of a store and their state (approval_state.hpp).
#include "tools/audit/approval_state.hpp"

#include "tools/enrollment/enrollment_store.hpp"

namespace bodycam::tools::audit {

namespace core = common::core;
namespace en = enrollment;

core::expected<std::unique_ptr<export_approvals>> read_export_approvals(const common::store::store& s,
                                                                        const common::crypto::public_key& root) {
  auto book = registers::read_register(s, common::store::entry_namespace::access);
  if (!book) return core::wrap("read the access register for export requests", book.error());
  if (!book->is_intact())
    return core::fail(core::errc::corrupt, "the access register does not verify (" + book->findings.front().code +
                                               " at " + book->findings.front().entry + "); nothing decided");
  auto reg = en::load_register(s, root);
  if (!reg) return core::wrap("read the enrollment register for export requests", reg.error());
  auto out = std::make_unique<export_approvals>();
  out->book = std::move(*book);
  const auto& table = reg->table;
  out->approvals = registers::check_export_approvals(out->book, [&](const registers::signed_entry& e) {
    const auto may = table.may_sign(e.body.clerk_key, en::signature_kind::approval, e.body.utc);
    return may.allowed && may.subject == e.body.clerk;
  });
  return out;
}

}  // namespace bodycam::tools::audit
