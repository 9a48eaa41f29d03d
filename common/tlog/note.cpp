#include "common/tlog/note.hpp"

#include "common/core/hex.hpp"
#include "common/tlog/base64.hpp"
#include "common/tlog/cosignature.hpp"

#include <sodium.h>

#include <algorithm>
#include <set>

namespace bodycam::common::tlog {

namespace {

constexpr std::string_view em_dash_prefix = "\xE2\x80\x94 ";  // "— "

// Decodes one UTF-8 code point at s[i]; returns 0 length on an invalid sequence.
std::pair<char32_t, std::size_t> decode_utf8(std::string_view s, std::size_t i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1Fu; min = 0x80; }
  else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0Fu; min = 0x800; }
  else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07u; min = 0x10000; }
  else return {0, 0};
  if (i + len > s.size()) return {0, 0};
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, len};
}

bool is_unicode_space(char32_t c) noexcept {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

std::string key_label(std::string_view name, key_id id) {
  const std::array<std::uint8_t, 4> b{static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
                                      static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
  return std::string(name) + "+" + core::to_hex(b);
}

core::expected<key_id> parse_key_id(std::string_view hex, std::string_view what) {
  auto raw = core::parse_hex(hex, 4, std::string(what) + " key id");
  if (!raw) return std::unexpected(raw.error());
  return (key_id{(*raw)[0]} << 24) | (key_id{(*raw)[1]} << 16) | (key_id{(*raw)[2]} << 8) | key_id{(*raw)[3]};
}

}  // namespace

bool is_valid_key_name(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size();) {
    const auto [cp, len] = decode_utf8(name, i);
    if (len == 0 || cp == '+' || is_unicode_space(cp) || cp < 0x20 || cp == 0x7F) return false;
    i += len;
  }
  return true;
}

key_id compute_key_id(std::string_view name, key_type type, const crypto::public_key& key) noexcept {
  crypto::sha256_hasher h;
  h.update(name);
  const std::array<std::uint8_t, 2> sep{0x0A, static_cast<std::uint8_t>(type)};
  h.update(core::byte_view(sep));
  h.update(core::byte_view(key.bytes));
  const auto d = h.finish();
  return (key_id{d.bytes[0]} << 24) | (key_id{d.bytes[1]} << 16) | (key_id{d.bytes[2]} << 8) | key_id{d.bytes[3]};
}

core::expected<note_verifier> make_note_verifier(std::string_view name, key_type type, const crypto::public_key& key) {
  if (!is_valid_key_name(name)) {
    return core::fail(core::errc::malformed, "make note verifier " + std::string(name) + ": invalid key name");
  }
  return note_verifier{std::string(name), compute_key_id(name, type, key), type, key};
}

core::expected<note_verifier> parse_verifier_key(std::string_view text) {
  const auto bad = [&](core::errc code, std::string_view why) {
    return core::fail(code, "parse verifier key " + std::string(text) + ": " + std::string(why));
  };
  const auto p1 = text.find('+');
  const auto p2 = p1 == std::string_view::npos ? p1 : text.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return bad(core::errc::malformed, "not <name>+<key id>+<key>");
  const auto name = text.substr(0, p1);
  if (!is_valid_key_name(name)) return bad(core::errc::malformed, "invalid key name");
  auto id = parse_key_id(text.substr(p1 + 1, p2 - p1 - 1), "verifier");
  if (!id) return bad(core::errc::malformed, "key id is not 8 hex digits");
  auto raw = decode_base64(text.substr(p2 + 1), "verifier key");
  if (!raw) return bad(core::errc::malformed, "key is not base64");
  if (raw->empty()) return bad(core::errc::malformed, "key is empty");
  const auto type = (*raw)[0];
  if (type != static_cast<std::uint8_t>(key_type::ed25519) && type != static_cast<std::uint8_t>(key_type::cosignature_v1)) {
    return bad(core::errc::unsupported, "unknown key type " + std::to_string(type));
  }
  if (raw->size() != 1 + crypto::public_key::size) return bad(core::errc::malformed, "key is not 32 bytes");
  crypto::public_key key;
  std::copy(raw->begin() + 1, raw->end(), key.bytes.begin());
  note_verifier v{std::string(name), *id, static_cast<key_type>(type), key};
  if (compute_key_id(v.name, v.type, v.key) != v.id) return bad(core::errc::malformed, "key id does not match the key");
  return v;
}

std::string format_verifier_key(const note_verifier& v) {
  core::byte_buffer raw{static_cast<std::uint8_t>(v.type)};
  raw.insert(raw.end(), v.key.bytes.begin(), v.key.bytes.end());
  return key_label(v.name, v.id) + "+" + encode_base64(raw);
}

core::expected<note_signer_key> parse_signer_key(std::string_view text) {
  const auto bad = [](std::string_view why) {
    return core::fail(core::errc::malformed, "parse signer key: " + std::string(why));
  };
  if (!text.starts_with("PRIVATE+KEY+")) return bad("does not start with PRIVATE+KEY+");
  text.remove_prefix(12);
  const auto p1 = text.find('+');
  const auto p2 = p1 == std::string_view::npos ? p1 : text.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return bad("not <name>+<key id>+<key>");
  const auto name = text.substr(0, p1);
  if (!is_valid_key_name(name)) return bad("invalid key name");
  auto id = parse_key_id(text.substr(p1 + 1, p2 - p1 - 1), "signer");
  if (!id) return bad("key id is not 8 hex digits");
  auto raw = decode_base64(text.substr(p2 + 1), "signer key");
  if (!raw) return bad("key is not base64");
  const bool shape_ok = raw->size() == 1 + crypto::secret_key::seed_size && (*raw)[0] == 0x01;
  auto key = shape_ok ? crypto::secret_key::from_seed(core::byte_view(*raw).subspan(1))
                      : core::expected<crypto::secret_key>(std::unexpected(core::error{core::errc::malformed, ""}));
  sodium_memzero(raw->data(), raw->size());
  if (!shape_ok) return bad("key is not an Ed25519 seed");
  if (!key) return core::wrap("parse signer key", key.error());
  if (compute_key_id(name, key_type::ed25519, key->public_key()) != *id) return bad("key id does not match the key");
  return note_signer_key{std::string(name), *id, std::move(*key)};
}

core::expected<std::string> format_signature_line(std::string_view name, key_id id, core::byte_view signature) {
  if (!is_valid_key_name(name)) {
    return core::fail(core::errc::invalid_argument, "format signature line for " + std::string(name) + ": invalid key name");
  }
  core::byte_buffer raw{static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
                        static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
  raw.insert(raw.end(), signature.begin(), signature.end());
  return std::string(em_dash_prefix) + std::string(name) + " " + encode_base64(raw) + "\n";
}

core::expected<std::string> sign_note(std::string_view text, std::string_view name, crypto::signer& signer) {
  if (text.empty() || text.back() != '\n') {
    return core::fail(core::errc::invalid_argument, "sign note as " + std::string(name) + ": text does not end in a newline");
  }
  const auto id = compute_key_id(name, key_type::ed25519, signer.public_key());
  auto sig = signer.sign(core::byte_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  if (!sig) return core::wrap("sign note as " + std::string(name), sig.error());
  auto line = format_signature_line(name, id, sig->bytes);
  if (!line) return std::unexpected(line.error());
  return std::string(text) + "\n" + *line;
}

core::expected<opened_note> open_note(std::string_view note, std::span<const note_verifier> known,
                                      const note_limits& limits) {
  const auto bad = [](std::string_view why) { return core::fail(core::errc::malformed, "open note: " + std::string(why)); };
  if (note.size() > limits.max_note_bytes) {
    return bad("note has " + std::to_string(note.size()) + " bytes, over the limit of " + std::to_string(limits.max_note_bytes));
  }
  for (std::size_t i = 0; i < note.size();) {
    const auto [cp, len] = decode_utf8(note, i);
    if (len == 0) return bad("not valid UTF-8 at byte " + std::to_string(i));
    if ((cp < 0x20 && cp != '\n') || cp == 0x7F) return bad("control character at byte " + std::to_string(i));
    i += len;
  }
  const auto split = note.rfind("\n\n");
  if (split == std::string_view::npos) return bad("no blank line between text and signatures");
  opened_note out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') return bad("signature block is empty or does not end in a newline");
  std::set<std::pair<std::string, key_id>> seen;
  std::size_t count = 0;
  while (!sigs.empty()) {
    const auto nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (++count > limits.max_signatures) return bad("more than " + std::to_string(limits.max_signatures) + " signatures");
    if (!line.starts_with(em_dash_prefix)) return bad("signature line " + std::to_string(count) + " does not start with \"— \"");
    line.remove_prefix(em_dash_prefix.size());
    const auto space = line.find(' ');
    if (space == std::string_view::npos) return bad("signature line " + std::to_string(count) + " has no signature");
    const std::string name(line.substr(0, space));
    if (!is_valid_key_name(name)) return bad("signature line " + std::to_string(count) + " has an invalid key name");
    auto raw = decode_base64(line.substr(space + 1), "signature by " + name);
    if (!raw) return bad("signature line " + std::to_string(count) + " by " + name + " is not base64");
    if (raw->size() < 5) return bad("signature line " + std::to_string(count) + " by " + name + " is too short");
    const key_id id = (key_id{(*raw)[0]} << 24) | (key_id{(*raw)[1]} << 16) | (key_id{(*raw)[2]} << 8) | key_id{(*raw)[3]};
    core::byte_buffer sig(raw->begin() + 4, raw->end());
    const auto verifier = std::find_if(known.begin(), known.end(),
                                       [&](const note_verifier& v) { return v.name == name && v.id == id; });
    if (verifier == known.end()) {
      out.unverified.push_back({name, id, std::move(sig)});
      continue;
    }
    if (!seen.insert({name, id}).second) continue;
    verified_signature v{name, id, verifier->type, std::nullopt};
    bool ok = false;
    if (verifier->type == key_type::ed25519) {
      crypto::signature s;
      ok = sig.size() == crypto::signature::size;
      if (ok) {
        std::copy(sig.begin(), sig.end(), s.bytes.begin());
        ok = crypto::verify_signature(
            verifier->key, core::byte_view(reinterpret_cast<const std::uint8_t*>(out.text.data()), out.text.size()), s);
      }
    } else {
      auto at = verify_cosignature(out.text, verifier->key, sig);
      ok = at.has_value();
      if (ok) v.cosigned_at = *at;
    }
    if (!ok) {
      return core::fail(core::errc::bad_signature, "open note: signature by " + key_label(name, id) + " does not verify");
    }
    out.verified.push_back(std::move(v));
  }
  if (out.verified.empty()) return core::fail(core::errc::bad_signature, "open note: no signature by a known key");
  return out;
}

}  // namespace bodycam::common::tlog
