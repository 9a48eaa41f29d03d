#include "common/crypto/footage_format.hpp"

#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

#include <algorithm>
#include <string>

namespace bodycam::common::crypto {

static_assert(footage_sealed_key_size == crypto_box_SEALBYTES + footage_file_key_size);
static_assert(footage_stream_header_size == crypto_secretstream_xchacha20poly1305_HEADERBYTES);
static_assert(footage_message_overhead == crypto_secretstream_xchacha20poly1305_ABYTES);
static_assert(footage_file_key_size == crypto_secretstream_xchacha20poly1305_KEYBYTES);
static_assert(footage_magic.size() == 16);

core::byte_buffer encode_header_body(const footage_header& header) {
  core::byte_writer w;
  w.put_raw(footage_magic);
  w.put_u8(header.version);
  w.put_u8(static_cast<std::uint8_t>(header.envelopes.size()));
  for (const auto& e : header.envelopes) {
    w.put_raw(core::byte_view(e.key_id.bytes));
    w.put_raw(core::byte_view(e.sealed));
  }
  w.put_raw(core::byte_view(header.stream_header));
  return w.take();
}

core::byte_buffer encode_header(const footage_header& header) {
  core::byte_buffer out = encode_header_body(header);
  out.insert(out.end(), header.tag.begin(), header.tag.end());
  return out;
}

core::expected<std::size_t> parse_header_prefix(core::byte_view prefix) {
  if (prefix.size() != footage_header_prefix_size)
    return core::fail(core::errc::malformed, "footage header: expected an 18-byte prefix");
  if (!std::equal(footage_magic.begin(), footage_magic.end(), prefix.begin(),
                  [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; }))
    return core::fail(core::errc::malformed, "footage header: not an encrypted footage file (magic)");
  if (prefix[16] != footage_format_version)
    return core::fail(core::errc::unsupported,
                      "footage header: version " + std::to_string(prefix[16]) + " is not known (this build reads 1)");
  const std::size_t count = prefix[17];
  if (count == 0 || count > footage_max_envelopes)
    return core::fail(core::errc::malformed, "footage header: envelope count " + std::to_string(count) +
                                                 " is outside 1.." + std::to_string(footage_max_envelopes));
  return count;
}

core::expected<footage_header> parse_header_rest(std::size_t envelope_count, core::byte_view rest) {
  if (envelope_count == 0 || envelope_count > footage_max_envelopes ||
      rest.size() != footage_header_rest_size(envelope_count))
    return core::fail(core::errc::malformed, "footage header: wrong size for " + std::to_string(envelope_count) +
                                                 " envelopes");
  core::byte_reader r(rest);
  footage_header h;
  for (std::size_t i = 0; i < envelope_count; ++i) {
    footage_envelope e;
    auto id = r.get_array<footage_key_id::size>("envelope key id");
    if (!id) return std::unexpected(id.error());
    e.key_id.bytes = *id;
    auto sealed = r.get_array<footage_sealed_key_size>("envelope sealed key");
    if (!sealed) return std::unexpected(sealed.error());
    e.sealed = *sealed;
    h.envelopes.push_back(e);
  }
  auto stream = r.get_array<footage_stream_header_size>("secretstream header");
  if (!stream) return std::unexpected(stream.error());
  h.stream_header = *stream;
  auto tag = r.get_array<footage_header_tag_size>("header tag");
  if (!tag) return std::unexpected(tag.error());
  h.tag = *tag;
  return h;
}

core::expected<footage_envelope> seal_file_key(const footage_public_key& recipient, core::byte_view file_key,
                                               const random_fill& random) {
  ensure_sodium_initialized();
  if (file_key.size() != footage_file_key_size)
    return core::fail(core::errc::invalid_argument, "seal a footage file key: expected 32 bytes");
  footage_envelope out;
  out.key_id = recipient.key_id();
  // crypto_box_seal, spelled out so the ephemeral key's randomness is the caller's (invariant 1).
  auto ephemeral_secret = allocate_guarded(crypto_box_SECRETKEYBYTES, "an ephemeral sealing key");
  if (!ephemeral_secret) return std::unexpected(ephemeral_secret.error());
  random(ephemeral_secret->span());
  std::uint8_t* ephemeral_public = out.sealed.data();
  if (crypto_scalarmult_base(ephemeral_public, ephemeral_secret->data()) != 0)
    return core::fail(core::errc::internal, "seal a footage file key: ephemeral key derivation failed");
  std::array<std::uint8_t, crypto_box_NONCEBYTES> nonce{};
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, nonce.size());
  crypto_generichash_update(&state, ephemeral_public, crypto_box_PUBLICKEYBYTES);
  crypto_generichash_update(&state, recipient.bytes.data(), recipient.bytes.size());
  crypto_generichash_final(&state, nonce.data(), nonce.size());
  if (crypto_box_easy(out.sealed.data() + crypto_box_PUBLICKEYBYTES, file_key.data(), file_key.size(), nonce.data(),
                      recipient.bytes.data(), ephemeral_secret->data()) != 0)
    return core::fail(core::errc::invalid_argument,
                      "seal a footage file key to key id " + out.key_id.to_hex() + ": not a usable X25519 public key");
  return out;
}

core::expected<guarded_bytes> open_envelope(const footage_envelope& envelope, const footage_secret_key& key) {
  ensure_sodium_initialized();
  auto file_key = allocate_guarded(footage_file_key_size, "a footage file key");
  if (!file_key) return std::unexpected(file_key.error());
  if (crypto_box_seal_open(file_key->data(), envelope.sealed.data(), envelope.sealed.size(),
                           key.public_key().bytes.data(), key.secret().data()) != 0)
    return core::fail(core::errc::bad_signature,
                      "open the key envelope for key id " + envelope.key_id.to_hex() + ": it does not authenticate");
  return file_key;
}

std::array<std::uint8_t, footage_header_tag_size> compute_header_tag(core::byte_view header_body,
                                                                     core::byte_view file_key) {
  ensure_sodium_initialized();
  guarded_bytes header_key(crypto_generichash_BYTES);
  crypto_generichash(header_key.data(), header_key.size(),
                     reinterpret_cast<const unsigned char*>(footage_header_key_context.data()),
                     footage_header_key_context.size(), file_key.data(), file_key.size());
  std::array<std::uint8_t, footage_header_tag_size> tag{};
  crypto_generichash(tag.data(), tag.size(), header_body.data(), header_body.size(), header_key.data(),
                     header_key.size());
  return tag;
}

}  // namespace bodycam::common::crypto
