#include "tools/enrollment/enrollment_store.hpp"

#include <chrono>

namespace bodycam::tools::enrollment {

namespace {

constexpr auto ns = store::entry_namespace::enrollment;

using core::text_bytes;

}  // namespace

core::expected<store::put_outcome> put_store_root(store::store& s, const crypto::public_key& root) {
  const std::string line = crypto::format_public_key_line({std::string(root_key_label), root});
  auto put = s.put_entry(ns, root_key_entry_name, text_bytes(line));
  if (!put && put.error().code == core::errc::conflict)
    return core::fail(core::errc::conflict, "put agency root key in store " + s.describe() +
                                                ": enrollment/root.pub already holds a different root key");
  return put;
}

core::expected<std::optional<crypto::public_key>> get_store_root(const store::store& s) {
  auto bytes = s.get_entry(ns, root_key_entry_name);
  if (!bytes && bytes.error().code == core::errc::not_found) return std::optional<crypto::public_key>{};
  if (!bytes) return std::unexpected(bytes.error());
  auto key = crypto::parse_public_key_line(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()),
                                           "enrollment/root.pub in " + s.describe());
  if (!key) return std::unexpected(key.error());
  return std::optional<crypto::public_key>{key->key};
}

core::expected<std::vector<stored_item>> read_stored_entries(const store::store& s) {
  std::vector<stored_item> out;
  auto names = s.list_entries(ns);
  if (!names && names.error().code == core::errc::not_found) return out;
  if (!names) return std::unexpected(names.error());
  for (const auto& name : *names) {
    if (name == root_key_entry_name) continue;
    auto bytes = s.get_entry(ns, name);
    if (!bytes) return core::wrap("read enrollment/" + name, bytes.error());
    out.push_back({name, std::move(*bytes)});
  }
  return out;
}

core::expected<bool> has_register(const store::store& s) {
  auto names = s.list_entries(ns);
  if (!names && names.error().code == core::errc::not_found) return false;
  if (!names) return std::unexpected(names.error());
  return !names->empty();
}

core::expected<verified_register> load_register(const store::store& s, const crypto::public_key& root) {
  auto items = read_stored_entries(s);
  if (!items) return std::unexpected(items.error());
  return verify_register(root, *items);
}

core::expected<signed_enrollment_entry> append_enrollment(store::store& s, const crypto::public_key& root,
                                                          enrollment_entry draft, crypto::signer& signer) {
  auto reg = load_register(s, root);
  if (!reg) return std::unexpected(reg.error());
  if (!reg->is_intact())  // S2
    return core::fail(core::errc::corrupt, "the enrollment register of " + s.describe() + " does not verify (" +
                                               reg->findings.front().code + " at " + reg->findings.front().entry +
                                               ": " + reg->findings.front().detail + "); nothing enrolled");
  if (draft.utc == record::utc_time{})
    draft.utc = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  if (!reg->entries.empty() && draft.utc < reg->entries.back().body.utc) draft.utc = reg->entries.back().body.utc;
  const auto may = reg->table.may_sign(signer.public_key(), signature_kind::enrollment, draft.utc);
  if (!may.allowed)
    return core::fail(core::errc::permission, "sign an enrollment entry: " + may.reason +
                                                  " (use the agency root key, or an admin's key that the register "
                                                  "enrolled with role admin)");
  draft.seq = reg->entries.size();
  draft.prev_hash = reg->entries.empty() ? crypto::sha256_digest{} : reg->entries.back().hash;
  auto signed_entry = sign_enrollment_entry(std::move(draft), signer);
  if (!signed_entry) return std::unexpected(signed_entry.error());
  auto put = s.put_entry(ns, std::to_string(signed_entry->body.seq), signed_entry->bytes);  // S1
  if (!put) return core::wrap("store enrollment/" + std::to_string(signed_entry->body.seq), put.error());
  if (*put == store::put_outcome::already_stored)
    return core::fail(core::errc::conflict, "store enrollment/" + std::to_string(signed_entry->body.seq) +
                                                ": already there with the same bytes (unexpected)");
  return signed_entry;
}

}  // namespace bodycam::tools::enrollment
