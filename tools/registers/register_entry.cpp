#include "tools/registers/register_entry.hpp"

#include "common/crypto/domain_message.hpp"
#include "common/crypto/key_file.hpp"

#include <algorithm>
#include <array>

namespace bodycam::tools::registers {

namespace {

constexpr std::size_t max_text = 1024;
constexpr std::uint32_t max_items = 100'000;

void put_time(core::byte_writer& w, record::utc_time t) { w.put_i64(t.time_since_epoch().count()); }

core::expected<record::utc_time> get_time(core::byte_reader& r, std::string_view field) {
  auto v = r.get_i64(field);
  if (!v) return std::unexpected(v.error());
  return record::utc_time(std::chrono::nanoseconds(*v));
}

template <std::size_t N>
core::status get_fixed(core::byte_reader& r, std::array<std::uint8_t, N>& out, std::string_view field) {
  auto v = r.get_array<N>(field);
  if (!v) return std::unexpected(v.error());
  out = *v;
  return {};
}

core::expected<std::string> get_text(core::byte_reader& r, std::string_view field) {
  return r.get_string16(field, max_text);
}

}  // namespace

std::string_view to_string(entry_kind k) noexcept {
  switch (k) {
    case entry_kind::access: return "access";
    case entry_kind::hold: return "hold";
    case entry_kind::expiry: return "expiry";
  }
  return "";
}

bool is_hold_reason(std::string_view action) noexcept {
  return action == "evidence" || action == "complaint" || action == "major_incident" || action == "legal_hold";
}

core::byte_buffer canonical_bytes(const register_entry& e) {
  core::byte_writer w;
  w.put_u16(entry_format_version);
  w.put_u8(static_cast<std::uint8_t>(e.kind));
  w.put_string16(e.clerk);
  w.put_raw(core::byte_view(e.clerk_key.bytes));
  w.put_u64(e.seq);
  w.put_raw(core::byte_view(e.prev_hash.bytes));
  put_time(w, e.utc);
  w.put_string16(e.department);
  w.put_string16(e.reference);
  w.put_string16(e.action);
  w.put_u32(static_cast<std::uint32_t>(e.scopes.size()));
  for (const auto& s : e.scopes) {
    w.put_string16(s.device.str());
    w.put_raw(core::byte_view(s.session.bytes));
    put_time(w, s.from);
    put_time(w, s.to);
    w.put_u64(s.first_seq);
    w.put_u64(s.end_seq);
  }
  w.put_u32(static_cast<std::uint32_t>(e.objects.size()));
  for (const auto& o : e.objects) {
    w.put_raw(core::byte_view(o.sha256.bytes));
    w.put_u64(o.byte_length);
  }
  return w.take();
}

namespace {

core::byte_buffer entry_signing_message(const crypto::sha256_digest& hash) {
  return crypto::domain_message(entry_signature_domain, hash);
}

core::status check_texts(const register_entry& e) {
  for (const std::string* t : {&e.department, &e.reference, &e.action})
    if (t->size() > max_text)
      return core::fail(core::errc::invalid_argument, "register entry: a text field is longer than 1024 bytes");
  if (!crypto::is_valid_label(e.clerk))
    return core::fail(core::errc::invalid_argument,
                      "register entry: clerk id '" + e.clerk + "': use 1-64 characters of A-Z a-z 0-9 . _ -");
  if (e.scopes.size() > max_items || e.objects.size() > max_items)
    return core::fail(core::errc::invalid_argument, "register entry: too many scopes or objects");
  return {};
}

}  // namespace

core::expected<signed_entry> sign_entry(register_entry e, crypto::signer& signer) {
  if (auto ok = check_texts(e); !ok) return std::unexpected(ok.error());
  e.clerk_key = signer.public_key();
  signed_entry out;
  out.bytes = canonical_bytes(e);
  if (out.bytes.size() + crypto::signature::size > max_entry_bytes)
    return core::fail(core::errc::invalid_argument, "register entry " + entry_name(e) + " is too large");
  out.hash = crypto::sha256(core::byte_view(out.bytes));
  auto sig = signer.sign(entry_signing_message(out.hash));  // invariant 3
  if (!sig) return core::wrap("sign register entry " + entry_name(e), sig.error());
  out.sig = *sig;
  out.bytes.insert(out.bytes.end(), sig->bytes.begin(), sig->bytes.end());
  out.body = std::move(e);
  return out;
}

core::expected<signed_entry> parse_signed_entry(core::byte_view bytes) {
  if (bytes.size() > max_entry_bytes)
    return core::fail(core::errc::malformed, "register entry: " + std::to_string(bytes.size()) + " bytes is too large");
  if (bytes.size() < crypto::signature::size)
    return core::fail(core::errc::malformed, "register entry: shorter than a signature");
  const auto canonical = bytes.first(bytes.size() - crypto::signature::size);
  core::byte_reader r(canonical);  // invariant 2: every read is bounds-checked and names its field
  signed_entry out;
  auto& e = out.body;
  auto version = r.get_u16("version");
  if (!version) return std::unexpected(version.error());
  if (*version != entry_format_version)
    return core::fail(core::errc::unsupported, "register entry: version " + std::to_string(*version) + " is unknown");
  auto kind = r.get_u8("kind");
  if (!kind) return std::unexpected(kind.error());
  if (*kind < 1 || *kind > 3) return core::fail(core::errc::malformed, "register entry: kind " + std::to_string(*kind));
  e.kind = static_cast<entry_kind>(*kind);
  auto clerk = get_text(r, "clerk");
  if (!clerk) return std::unexpected(clerk.error());
  e.clerk = std::move(*clerk);
  if (!crypto::is_valid_label(e.clerk)) return core::fail(core::errc::malformed, "register entry: clerk id");
  if (auto ok = get_fixed(r, e.clerk_key.bytes, "clerk_key"); !ok) return std::unexpected(ok.error());
  auto seq = r.get_u64("seq");
  if (!seq) return std::unexpected(seq.error());
  e.seq = *seq;
  if (auto ok = get_fixed(r, e.prev_hash.bytes, "prev_hash"); !ok) return std::unexpected(ok.error());
  auto utc = get_time(r, "utc_ns");
  if (!utc) return std::unexpected(utc.error());
  e.utc = *utc;
  for (auto [field, name] :
       {std::pair{&e.department, "department"}, {&e.reference, "reference"}, {&e.action, "action"}}) {
    auto t = get_text(r, name);
    if (!t) return std::unexpected(t.error());
    *field = std::move(*t);
  }
  auto n_scopes = r.get_u32("scope_count");
  if (!n_scopes) return std::unexpected(n_scopes.error());
  if (*n_scopes > r.remaining() / 50) return core::fail(core::errc::malformed, "register entry: scope_count");
  for (std::uint32_t i = 0; i < *n_scopes; ++i) {
    scope s;
    auto device_text = get_text(r, "scope.device");
    if (!device_text) return std::unexpected(device_text.error());
    auto device = record::device_id::parse(*device_text);
    if (!device) return core::fail(core::errc::malformed, "register entry: scope.device: " + device.error().context);
    s.device = *device;
    if (auto ok = get_fixed(r, s.session.bytes, "scope.session"); !ok) return std::unexpected(ok.error());
    auto from = get_time(r, "scope.from_ns");
    if (!from) return std::unexpected(from.error());
    auto to = get_time(r, "scope.to_ns");
    if (!to) return std::unexpected(to.error());
    auto first = r.get_u64("scope.first_seq");
    if (!first) return std::unexpected(first.error());
    auto end = r.get_u64("scope.end_seq");
    if (!end) return std::unexpected(end.error());
    s.from = *from;
    s.to = *to;
    s.first_seq = *first;
    s.end_seq = *end;
    e.scopes.push_back(std::move(s));
  }
  auto n_objects = r.get_u32("object_count");
  if (!n_objects) return std::unexpected(n_objects.error());
  if (*n_objects > r.remaining() / 40) return core::fail(core::errc::malformed, "register entry: object_count");
  for (std::uint32_t i = 0; i < *n_objects; ++i) {
    object_ref o;
    if (auto ok = get_fixed(r, o.sha256.bytes, "object.sha256"); !ok) return std::unexpected(ok.error());
    auto len = r.get_u64("object.byte_length");
    if (!len) return std::unexpected(len.error());
    o.byte_length = *len;
    e.objects.push_back(o);
  }
  if (!r.at_end()) return core::fail(core::errc::malformed, "register entry: bytes after the last field");
  // Invariant 1: one encoding only.
  if (canonical_bytes(e) != core::byte_buffer(canonical.begin(), canonical.end()))
    return core::fail(core::errc::malformed, "register entry: not in canonical form");
  std::copy_n(bytes.end() - static_cast<std::ptrdiff_t>(crypto::signature::size), crypto::signature::size,
              out.sig.bytes.begin());
  out.hash = crypto::sha256(canonical);
  out.bytes.assign(bytes.begin(), bytes.end());
  return out;
}

bool verify_entry_signature(const signed_entry& e, const crypto::public_key& key) noexcept {
  return crypto::verify_signature(key, entry_signing_message(e.hash), e.sig);
}

std::string entry_name(const register_entry& e) { return e.clerk + "." + std::to_string(e.seq); }

bool is_entry_name(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return false;
  if (!std::all_of(name.begin() + static_cast<std::ptrdiff_t>(dot) + 1, name.end(),
                   [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  return crypto::is_valid_label(name.substr(0, dot));
}

}  // namespace bodycam::tools::registers
