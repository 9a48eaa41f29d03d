#include "tools/verbs/enroll_register.hpp"

#include "common/record/record_json.hpp"
#include "tools/verbs/clerk_identity.hpp"
#include "tools/verbs/passphrase.hpp"

namespace bodycam::tools::verbs {

using namespace bodycam::common;

core::expected<register_signer> load_register_signer(store::store& s, const register_signer_options& options) {
  if (!options.root_key.empty() && !options.admin_key.empty())
    return core::fail(core::errc::invalid_argument, "give --root-key or --admin-key, not both");
  register_signer out;
  if (!options.root_key.empty()) {
    auto key = open_root_key(options.root_key, options.passphrase_file);
    if (!key) return std::unexpected(key.error());
    out.root = key->key.public_key();
    out.signer = std::make_unique<crypto::software_signer>(std::move(key->key));
    out.who = "agency root";
    auto put = enrollment::put_store_root(s, out.root);  // guarantee 1
    if (!put) return std::unexpected(put.error());
    return out;
  }
  if (options.admin_key.empty())
    return core::fail(core::errc::invalid_argument,
                      "say who signs the register entry: --root-key agency-root.sealed (with --passphrase-file or "
                      "the terminal) or --admin-key ADMIN.key");
  auto root = enrollment::get_store_root(s);  // guarantee 2
  if (!root) return std::unexpected(root.error());
  if (!*root)
    return core::fail(core::errc::not_found, "store " + s.describe() +
                                                 " has no agency root (enrollment/root.pub); the first enrollment is "
                                                 "signed with --root-key");
  auto key = crypto::load_secret_key(options.admin_key);
  if (!key) return std::unexpected(key.error());
  out.root = **root;
  out.who = "admin " + key->label;
  out.signer = std::make_unique<crypto::software_signer>(std::move(key->key));
  return out;
}

core::expected<std::string> enroll_in_register(store::store& s, register_signer& signer,
                                               enrollment::enrollment_entry draft) {
  const std::string what = std::string(enrollment::to_string(draft.kind)) + " " + draft.subject;
  auto reg = enrollment::load_register(s, signer.root);
  if (!reg) return std::unexpected(reg.error());
  const auto now = utc_now();
  if (const auto may = reg->table.may_sign(signer.signer->public_key(), enrollment::signature_kind::enrollment, now);
      !may.allowed)
    return core::fail(core::errc::permission, "enroll " + what + ": " + may.reason);
  for (const auto& g : reg->table.grants())  // guarantee 3
    if (g.kind == draft.kind && g.subject == draft.subject && g.key == draft.subject_key && g.is_in_force(now) &&
        g.roles == draft.roles && g.unit == draft.unit)
      return s.describe() + " enrollment/" + std::to_string(g.seq) + ": " + what + " already in the register";
  if (draft.valid_from == record::utc_time{}) draft.valid_from = now;
  draft.utc = now;
  auto stored = enrollment::append_enrollment(s, signer.root, std::move(draft), *signer.signer);
  if (!stored) return core::wrap("enroll " + what, stored.error());
  const auto& e = stored->body;
  return s.describe() + " enrollment/" + std::to_string(e.seq) + ": " + what +
         (e.roles != 0 ? " roles " + enrollment::roles_text(e.roles) : std::string()) +
         (e.unit.empty() ? std::string() : " unit " + e.unit) + " valid from " + record::format_utc(e.valid_from) +
         (e.valid_until != record::utc_time{} ? " until " + record::format_utc(e.valid_until) : std::string()) +
         ", signed by " + signer.who;
}

core::expected<std::string> revoke_in_register(store::store& s, register_signer& signer, std::uint64_t seq,
                                               record::utc_time at, const std::string& reason) {
  auto reg = enrollment::load_register(s, signer.root);
  if (!reg) return std::unexpected(reg.error());
  const enrollment::grant* target = nullptr;
  for (const auto& g : reg->table.grants())
    if (g.seq == seq) target = &g;
  if (target == nullptr)
    return core::fail(core::errc::not_found, "revoke enrollment/" + std::to_string(seq) +
                                                 ": no enrollment that counts has that number (bodycam audit lists "
                                                 "the register)");
  enrollment::enrollment_entry draft;
  draft.action = enrollment::entry_action::revoke;
  draft.subject = target->subject;
  draft.subject_key = target->key;
  draft.revokes_seq = seq;
  draft.reason = reason;
  draft.utc = utc_now();
  draft.valid_from = at == record::utc_time{} ? draft.utc : at;
  const std::string what = std::string(enrollment::to_string(target->kind)) + " " + target->subject;
  auto stored = enrollment::append_enrollment(s, signer.root, std::move(draft), *signer.signer);
  if (!stored) return core::wrap("revoke " + what, stored.error());
  return s.describe() + " enrollment/" + std::to_string(stored->body.seq) + ": " + what + " (enrollment/" +
         std::to_string(seq) + ") revoked from " + record::format_utc(stored->body.valid_from) + ", signed by " +
         signer.who;
}

}  // namespace bodycam::tools::verbs
