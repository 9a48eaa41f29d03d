#include "tools/enrollment/enrollment_entry.hpp"

#include "common/crypto/domain_message.hpp"
#include "common/crypto/key_file.hpp"

#include <algorithm>

namespace bodycam::tools::enrollment {

namespace {

constexpr std::size_t max_text = 256;

void put_time(core::byte_writer& w, record::utc_time t) { w.put_i64(t.time_since_epoch().count()); }

core::expected<record::utc_time> get_time(core::byte_reader& r, std::string_view field) {
  auto v = r.get_i64(field);
  if (!v) return std::unexpected(v.error());
  return record::utc_time(std::chrono::nanoseconds(*v));
}

core::byte_buffer signing_message(const crypto::sha256_digest& hash) {
  return crypto::domain_message(enrollment_signature_domain, hash);
}

// The rules sign and parse share, so nothing signed here fails to parse and nothing parsed breaks them.
core::status check_fields(const enrollment_entry& e) {
  auto bad = [&](const std::string& what) {
    return core::fail(core::errc::invalid_argument, "enrollment entry " + std::to_string(e.seq) + ": " + what);
  };
  if (e.unit.size() > max_text || e.reason.size() > max_text) return bad("unit or reason longer than 256 bytes");
  if ((e.roles & ~all_roles_mask) != 0) return bad("unknown role bits");
  if (e.seq == 0 && e.prev_hash != crypto::sha256_digest{}) return bad("seq 0 must have a zero prev_hash");
  if (e.action == entry_action::enroll) {
    if (e.kind == subject_kind::none) return bad("an enrollment needs a kind (camera, dock, witness, person)");
    if (!crypto::is_valid_label(e.subject))
      return bad("subject '" + e.subject + "': use 1-64 characters of A-Z a-z 0-9 . _ -");
    if (e.kind == subject_kind::person && e.roles == 0) return bad("a person needs at least one role");
    if (e.kind != subject_kind::person && e.roles != 0) return bad("only persons have roles");
    if (e.valid_until != record::utc_time{} && e.valid_until <= e.valid_from)
      return bad("valid_until must be after valid_from");
    if (e.revokes_seq != 0 || !e.reason.empty()) return bad("an enrollment revokes nothing");
  } else if (e.action == entry_action::revoke) {
    if (e.revokes_seq >= e.seq) return bad("a revocation names an earlier entry");
    if (e.reason.empty()) return bad("a revocation needs a reason");
    if (e.roles != 0 || e.valid_until != record::utc_time{}) return bad("a revocation has no roles or end");
  } else {
    return bad("unknown action");
  }
  return {};
}

}  // namespace

std::string_view to_string(entry_action a) noexcept {
  switch (a) {
    case entry_action::enroll: return "enroll";
    case entry_action::revoke: return "revoke";
  }
  return "unknown";
}

std::string_view to_string(subject_kind k) noexcept {
  switch (k) {
    case subject_kind::none: return "none";
    case subject_kind::camera: return "camera";
    case subject_kind::dock: return "dock";
    case subject_kind::witness: return "witness";
    case subject_kind::person: return "person";
  }
  return "unknown";
}

std::string_view to_string(role r) noexcept {
  switch (r) {
    case role::officer: return "officer";
    case role::clerk: return "clerk";
    case role::supervisor: return "supervisor";
    case role::auditor: return "auditor";
    case role::admin: return "admin";
  }
  return "unknown";
}

std::optional<subject_kind> parse_subject_kind(std::string_view text) noexcept {
  for (auto k : {subject_kind::camera, subject_kind::dock, subject_kind::witness, subject_kind::person})
    if (text == to_string(k)) return k;
  return std::nullopt;
}

std::optional<role> parse_role(std::string_view text) noexcept {
  for (auto r : {role::officer, role::clerk, role::supervisor, role::auditor, role::admin})
    if (text == to_string(r)) return r;
  return std::nullopt;
}

std::string roles_text(std::uint8_t mask) {
  std::string out;
  for (auto r : {role::officer, role::clerk, role::supervisor, role::auditor, role::admin})
    if ((mask & static_cast<std::uint8_t>(r)) != 0) out += (out.empty() ? "" : ",") + std::string(to_string(r));
  return out;
}

core::byte_buffer canonical_bytes(const enrollment_entry& e) {
  core::byte_writer w;
  w.put_u16(enrollment_format_version);
  w.put_u64(e.seq);
  w.put_raw(core::byte_view(e.prev_hash.bytes));
  put_time(w, e.utc);
  w.put_raw(core::byte_view(e.signer.bytes));
  w.put_u8(static_cast<std::uint8_t>(e.action));
  w.put_u8(static_cast<std::uint8_t>(e.kind));
  w.put_string16(e.subject);
  w.put_raw(core::byte_view(e.subject_key.bytes));
  w.put_u8(e.roles);
  w.put_string16(e.unit);
  put_time(w, e.valid_from);
  put_time(w, e.valid_until);
  w.put_u64(e.revokes_seq);
  w.put_string16(e.reason);
  return w.take();
}

core::expected<signed_enrollment_entry> sign_enrollment_entry(enrollment_entry e, crypto::signer& signer) {
  e.signer = signer.public_key();
  if (auto ok = check_fields(e); !ok) return std::unexpected(ok.error());
  signed_enrollment_entry out;
  out.bytes = canonical_bytes(e);
  out.hash = crypto::sha256(core::byte_view(out.bytes));
  auto sig = signer.sign(signing_message(out.hash));  // invariant 3
  if (!sig) return core::wrap("sign enrollment entry " + std::to_string(e.seq), sig.error());
  out.sig = *sig;
  out.bytes.insert(out.bytes.end(), sig->bytes.begin(), sig->bytes.end());
  out.body = std::move(e);
  return out;
}

core::expected<signed_enrollment_entry> parse_enrollment_entry(core::byte_view bytes) {
  auto bad = [](const std::string& what) { return core::fail(core::errc::malformed, "enrollment entry: " + what); };
  if (bytes.size() > max_enrollment_entry_bytes) return bad(std::to_string(bytes.size()) + " bytes is too large");
  if (bytes.size() < crypto::signature::size) return bad("shorter than a signature");
  const auto canonical = bytes.first(bytes.size() - crypto::signature::size);
  core::byte_reader r(canonical);  // invariant 2
  signed_enrollment_entry out;
  auto& e = out.body;
  auto version = r.get_u16("version");
  if (!version) return std::unexpected(version.error());
  if (*version != enrollment_format_version)
    return core::fail(core::errc::unsupported, "enrollment entry: version " + std::to_string(*version) + " is unknown");
  auto seq = r.get_u64("seq");
  if (!seq) return std::unexpected(seq.error());
  e.seq = *seq;
  auto prev = r.get_array<crypto::sha256_digest::size>("prev_hash");
  if (!prev) return std::unexpected(prev.error());
  e.prev_hash.bytes = *prev;
  auto utc = get_time(r, "utc_ns");
  if (!utc) return std::unexpected(utc.error());
  e.utc = *utc;
  auto signer = r.get_array<crypto::public_key::size>("signer_key");
  if (!signer) return std::unexpected(signer.error());
  e.signer.bytes = *signer;
  auto action = r.get_u8("action");
  if (!action) return std::unexpected(action.error());
  if (*action < 1 || *action > 2) return bad("action " + std::to_string(*action));
  e.action = static_cast<entry_action>(*action);
  auto kind = r.get_u8("kind");
  if (!kind) return std::unexpected(kind.error());
  if (*kind > 4) return bad("kind " + std::to_string(*kind));
  e.kind = static_cast<subject_kind>(*kind);
  auto subject = r.get_string16("subject", 64);
  if (!subject) return std::unexpected(subject.error());
  e.subject = std::move(*subject);
  auto subject_key = r.get_array<crypto::public_key::size>("subject_key");
  if (!subject_key) return std::unexpected(subject_key.error());
  e.subject_key.bytes = *subject_key;
  auto roles = r.get_u8("roles");
  if (!roles) return std::unexpected(roles.error());
  e.roles = *roles;
  auto unit = r.get_string16("unit", max_text);
  if (!unit) return std::unexpected(unit.error());
  e.unit = std::move(*unit);
  auto from = get_time(r, "valid_from_ns");
  if (!from) return std::unexpected(from.error());
  e.valid_from = *from;
  auto until = get_time(r, "valid_until_ns");
  if (!until) return std::unexpected(until.error());
  e.valid_until = *until;
  auto revokes = r.get_u64("revokes_seq");
  if (!revokes) return std::unexpected(revokes.error());
  e.revokes_seq = *revokes;
  auto reason = r.get_string16("reason", max_text);
  if (!reason) return std::unexpected(reason.error());
  e.reason = std::move(*reason);
  if (!r.at_end()) return bad("bytes after the last field");
  if (auto ok = check_fields(e); !ok) return core::fail(core::errc::malformed, ok.error().context);
  if (canonical_bytes(e) != core::byte_buffer(canonical.begin(), canonical.end()))  // invariant 1
    return bad("not in canonical form");
  std::copy_n(bytes.end() - static_cast<std::ptrdiff_t>(crypto::signature::size), crypto::signature::size,
              out.sig.bytes.begin());
  out.hash = crypto::sha256(canonical);
  out.bytes.assign(bytes.begin(), bytes.end());
  return out;
}

bool verify_enrollment_signature(const signed_enrollment_entry& e) noexcept {
  return crypto::verify_signature(e.body.signer, signing_message(e.hash), e.sig);
}

}  // namespace bodycam::tools::enrollment
