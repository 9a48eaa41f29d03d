#include "tools/registers/metadata_entry.hpp"

#include "common/crypto/domain_message.hpp"
#include "common/crypto/key_file.hpp"

#include <algorithm>

namespace bodycam::tools::registers {

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 if it is not well formed (overlong, surrogate, > U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1Fu;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0Fu;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07u;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3Fu);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

bool is_category_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

core::byte_buffer metadata_signing_message(const crypto::sha256_digest& hash) {
  return crypto::domain_message(metadata_signature_domain, hash);
}

// M4 over the whole entry plus the ids; "" when the entry is well formed.
std::string check_entry(const metadata_entry& e) {
  if (!crypto::is_valid_label(e.author)) return "author id '" + e.author + "': use 1-64 characters of A-Z a-z 0-9 . _ -";
  if (e.device.str().empty()) return "no device";
  if (e.fields.empty()) return "sets no field";
  if (e.fields.size() > all_note_fields.size()) return "sets more than 5 fields";
  for (std::size_t i = 0; i < e.fields.size(); ++i) {
    if (i > 0 && e.fields[i - 1].field >= e.fields[i].field)
      return "fields not in increasing order or repeated (" + std::string(to_string(e.fields[i].field)) + ")";
    if (auto why = check_field_value(e.fields[i].field, e.fields[i].value); !why.empty()) return why;
  }
  return {};
}

}  // namespace

std::string_view to_string(note_field f) noexcept {
  switch (f) {
    case note_field::place: return "place";
    case note_field::party: return "party";
    case note_field::case_number: return "case";
    case note_field::category: return "category";
    case note_field::text: return "text";
  }
  return "unknown";
}

std::optional<note_field> parse_note_field(std::string_view name) noexcept {
  for (const auto f : all_note_fields)
    if (to_string(f) == name) return f;
  return std::nullopt;
}

std::size_t max_value_bytes(note_field f) noexcept {
  switch (f) {
    case note_field::place:
    case note_field::party: return 256;
    case note_field::case_number:
    case note_field::category: return 64;
    case note_field::text: return 4000;
  }
  return 0;
}

std::string check_field_value(note_field f, std::string_view value) {
  const std::string name(to_string(f));
  if (value.empty()) return name + " is empty";
  if (value.size() > max_value_bytes(f))
    return name + " is " + std::to_string(value.size()) + " bytes, more than " + std::to_string(max_value_bytes(f));
  if (f == note_field::category) {
    if (!std::all_of(value.begin(), value.end(), is_category_char))
      return "category '" + std::string(value) + "': use a-z 0-9 _";
    return {};
  }
  for (std::size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    if ((c < 0x20 && !(c == '\n' && f == note_field::text)) || c == 0x7F)
      return name + " holds a control character at byte " + std::to_string(i);
    const std::size_t n = utf8_sequence(value, i);
    if (n == 0) return name + " is not UTF-8 at byte " + std::to_string(i);
    if (n == 2 && c == 0xC2 && static_cast<unsigned char>(value[i + 1]) < 0xA0)  // C1 controls U+0080..U+009F
      return name + " holds a control character at byte " + std::to_string(i);
    i += n;
  }
  return {};
}

const std::string* metadata_entry::value_of(note_field f) const noexcept {
  for (const auto& fv : fields)
    if (fv.field == f) return &fv.value;
  return nullptr;
}

core::byte_buffer canonical_bytes(const metadata_entry& e) {
  core::byte_writer w;
  w.put_u16(metadata_format_version);
  w.put_string16(e.author);
  w.put_raw(core::byte_view(e.author_key.bytes));
  w.put_u64(e.seq);
  w.put_raw(core::byte_view(e.prev_hash.bytes));
  w.put_i64(e.utc.time_since_epoch().count());
  w.put_string16(e.device.str());
  w.put_raw(core::byte_view(e.session.bytes));
  w.put_u8(static_cast<std::uint8_t>(e.fields.size()));
  for (const auto& fv : e.fields) {
    w.put_u8(static_cast<std::uint8_t>(fv.field));
    w.put_string16(fv.value);
  }
  return w.take();
}

core::expected<signed_metadata_entry> sign_metadata_entry(metadata_entry e, crypto::signer& signer) {
  std::sort(e.fields.begin(), e.fields.end(),
            [](const field_value& a, const field_value& b) { return a.field < b.field; });
  if (auto why = check_entry(e); !why.empty())
    return core::fail(core::errc::invalid_argument, "metadata entry " + entry_name(e) + ": " + why);
  e.author_key = signer.public_key();
  signed_metadata_entry out;
  out.bytes = canonical_bytes(e);
  out.hash = crypto::sha256(core::byte_view(out.bytes));
  auto sig = signer.sign(metadata_signing_message(out.hash));  // M3
  if (!sig) return core::wrap("sign metadata entry " + entry_name(e), sig.error());
  out.sig = *sig;
  out.bytes.insert(out.bytes.end(), sig->bytes.begin(), sig->bytes.end());
  out.body = std::move(e);
  return out;
}

core::expected<signed_metadata_entry> parse_metadata_entry(core::byte_view bytes) {
  const auto bad = [](std::string why) { return core::fail(core::errc::malformed, "metadata entry: " + why); };
  if (bytes.size() > max_metadata_entry_bytes) return bad(std::to_string(bytes.size()) + " bytes is too large");
  if (bytes.size() < crypto::signature::size) return bad("shorter than a signature");
  const auto canonical = bytes.first(bytes.size() - crypto::signature::size);
  core::byte_reader r(canonical);  // M2
  signed_metadata_entry out;
  auto& e = out.body;
  auto version = r.get_u16("version");
  if (!version) return std::unexpected(version.error());
  if (*version != metadata_format_version)
    return core::fail(core::errc::unsupported, "metadata entry: version " + std::to_string(*version) + " is unknown");
  auto author = r.get_string16("author", 64);
  if (!author) return std::unexpected(author.error());
  e.author = std::move(*author);
  auto key = r.get_array<crypto::public_key::size>("author_key");
  if (!key) return std::unexpected(key.error());
  e.author_key.bytes = *key;
  auto seq = r.get_u64("seq");
  if (!seq) return std::unexpected(seq.error());
  e.seq = *seq;
  auto prev = r.get_array<crypto::sha256_digest::size>("prev_hash");
  if (!prev) return std::unexpected(prev.error());
  e.prev_hash.bytes = *prev;
  auto utc = r.get_i64("utc_ns");
  if (!utc) return std::unexpected(utc.error());
  e.utc = record::utc_time(std::chrono::nanoseconds(*utc));
  auto device_text = r.get_string16("device", record::device_id::max_length);
  if (!device_text) return std::unexpected(device_text.error());
  auto device = record::device_id::parse(*device_text);
  if (!device) return bad("device: " + device.error().context);
  e.device = *device;
  auto session = r.get_array<record::session_id::size>("session");
  if (!session) return std::unexpected(session.error());
  e.session.bytes = *session;
  auto count = r.get_u8("field_count");
  if (!count) return std::unexpected(count.error());
  for (std::uint8_t i = 0; i < *count; ++i) {
    auto field = r.get_u8("field");
    if (!field) return std::unexpected(field.error());
    if (*field < 1 || *field > all_note_fields.size()) return bad("field " + std::to_string(*field) + " is unknown");
    auto value = r.get_string16("value", max_value_bytes(note_field::text));
    if (!value) return std::unexpected(value.error());
    e.fields.push_back({static_cast<note_field>(*field), std::move(*value)});
  }
  if (!r.at_end()) return bad("bytes after the last field");
  if (auto why = check_entry(e); !why.empty()) return bad(why);  // M4
  if (canonical_bytes(e) != core::byte_buffer(canonical.begin(), canonical.end()))  // M1
    return bad("not in canonical form");
  std::copy_n(bytes.end() - static_cast<std::ptrdiff_t>(crypto::signature::size), crypto::signature::size,
              out.sig.bytes.begin());
  out.hash = crypto::sha256(canonical);
  out.bytes.assign(bytes.begin(), bytes.end());
  return out;
}

bool verify_metadata_signature(const signed_metadata_entry& e, const crypto::public_key& key) noexcept {
  return crypto::verify_signature(key, metadata_signing_message(e.hash), e.sig);
}

std::string entry_name(const metadata_entry& e) { return e.author + "." + std::to_string(e.seq); }

}  // namespace bodycam::tools::registers
