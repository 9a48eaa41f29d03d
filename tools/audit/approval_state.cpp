// The export requests of a store and their state (approval_state.hpp).
#include "tools/audit/approval_state.hpp"

#include "tools/enrollment/enrollment_store.hpp"

namespace bodycam::tools::audit {

namespace core = common::core;
namespace en = enrollment;

namespace {

core::expected<std::unique_ptr<export_approvals>> read_approvals(const common::store::store& s,
                                                                 const common::crypto::public_key& root,
                                                                 common::store::entry_namespace ns,
                                                                 const registers::approval_rule& rule) {
  const std::string what = "the " + std::string(rule.register_name) + " register";
  const std::string requests = std::string(rule.executed) + " requests";
  auto book = registers::read_register(s, ns);
  if (!book) return core::wrap("read " + what + " for " + requests, book.error());
  if (!book->is_intact())
    return core::fail(core::errc::corrupt, what + " does not verify (" + book->findings.front().code + " at " +
                                               book->findings.front().entry + "); nothing decided");
  auto reg = en::load_register(s, root);
  if (!reg) return core::wrap("read the enrollment register for " + requests, reg.error());
  auto out = std::make_unique<export_approvals>();
  out->book = std::move(*book);
  const auto& table = reg->table;
  out->approvals = registers::check_approvals(
      out->book,
      [&](const registers::signed_entry& e) {
        const auto may = table.may_sign(e.body.clerk_key, en::signature_kind::approval, e.body.utc);
        return may.allowed && may.subject == e.body.clerk;
      },
      rule);
  return out;
}

}  // namespace

core::expected<std::unique_ptr<export_approvals>> read_export_approvals(const common::store::store& s,
                                                                        const common::crypto::public_key& root) {
  return read_approvals(s, root, common::store::entry_namespace::access, registers::export_rule());
}

core::expected<std::unique_ptr<export_approvals>> read_expiry_approvals(const common::store::store& s,
                                                                        const common::crypto::public_key& root) {
  return read_approvals(s, root, common::store::entry_namespace::retention, registers::expiry_rule());
}

core::expected<std::unique_ptr<export_approvals>> read_release_approvals(const common::store::store& s,
                                                                         const common::crypto::public_key& root) {
  return read_approvals(s, root, common::store::entry_namespace::retention, registers::release_rule());
}

}  // namespace bodycam::tools::audit
