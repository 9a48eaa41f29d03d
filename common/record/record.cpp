#include "common/record/record.hpp"

#include "common/crypto/domain_message.hpp"
#include "common/record/field_codec.hpp"

#include <array>
#include <utility>

namespace bodycam::common::record {

namespace {

template <std::size_t I = 0>
core::status decode_payload(record_kind kind, detail::field_decoder& decoder, payload& out) {
  if constexpr (I < std::variant_size_v<payload>) {
    using alternative = std::variant_alternative_t<I, payload>;
    if (alternative::kind == kind) {
      alternative value{};
      decoder.set_path(std::string(to_string(kind)));
      alternative::fields(value, decoder);
      if (decoder.failed()) return std::unexpected(decoder.error());
      out = std::move(value);
      return {};
    }
    return decode_payload<I + 1>(kind, decoder, out);
  } else {
    return core::fail(core::errc::malformed, "field kind: unknown record kind " +
                                                 std::to_string(static_cast<unsigned>(kind)));
  }
}

}  // namespace

core::byte_buffer encode_canonical(const record& r) {
  core::byte_writer body;
  std::visit([&](const auto& p) { detail::encode_value(body, p); }, r.body);

  core::byte_writer w;
  w.put_raw(record_magic);
  w.put_u16(r.version);
  w.put_u16(static_cast<std::uint16_t>(r.kind()));
  w.put_string16(r.device.str());
  w.put_u64(r.seq);
  w.put_raw(core::byte_view(r.prev_hash.bytes));
  w.put_u32(r.boot_counter);
  w.put_i64(static_cast<std::int64_t>(r.monotonic.count()));
  w.put_i64(static_cast<std::int64_t>(r.utc.time.time_since_epoch().count()));
  w.put_u8(static_cast<std::uint8_t>(r.utc.source));
  w.put_i64(static_cast<std::int64_t>(r.utc.sync_age.count()));
  w.put_i64(static_cast<std::int64_t>(r.utc.error_bound.count()));
  w.put_bytes32(body.bytes());
  return w.take();
}

core::expected<record> decode_canonical(core::byte_view canonical) {
  if (canonical.size() > max_record_bytes)
    return core::fail(core::errc::malformed, "record of " + std::to_string(canonical.size()) +
                                                 " bytes exceeds the limit of " + std::to_string(max_record_bytes));
  core::byte_reader r(canonical);
  auto magic = r.get_raw(record_magic.size(), "magic");
  if (!magic) return std::unexpected(magic.error());
  if (!std::equal(magic->begin(), magic->end(), record_magic.begin()))
    return core::fail(core::errc::malformed, "field magic: not a bodycam record (expected \"BCRD\")");
  record out;
  auto version = r.get_u16("version");
  if (!version) return std::unexpected(version.error());
  if (*version != format_version)
    return core::fail(core::errc::unsupported, "field version: record format version " + std::to_string(*version) +
                                                   " is not supported (this build reads version " +
                                                   std::to_string(format_version) + ")");
  out.version = *version;

  detail::field_decoder d(r);
  record_kind kind{};
  std::int64_t monotonic_ns = 0;
  d("kind", kind);
  d("device", out.device);
  d("seq", out.seq);
  d("prev_hash", out.prev_hash);
  d("boot_counter", out.boot_counter);
  d("monotonic_ns", monotonic_ns);
  d("utc_ns", out.utc.time);
  d("utc_source", out.utc.source);
  d("utc_sync_age_ms", out.utc.sync_age);
  d("utc_error_bound_ms", out.utc.error_bound);
  if (d.failed()) return std::unexpected(d.error());
  if (monotonic_ns < 0) return core::fail(core::errc::malformed, "field monotonic_ns: negative");
  out.monotonic = nanoseconds(monotonic_ns);
  if (out.seq == 0 && !out.prev_hash.is_zero())
    return core::fail(core::errc::malformed, "field prev_hash: must be zero for seq 0");

  auto payload_bytes = r.get_bytes32("payload_length", max_record_bytes);
  if (!payload_bytes) return std::unexpected(payload_bytes.error());
  if (!r.at_end())
    return core::fail(core::errc::malformed, "record: " + std::to_string(r.remaining()) +
                                                 " unexpected bytes after the payload");
  core::byte_reader pr(*payload_bytes);
  detail::field_decoder pd(pr);
  if (auto ok = decode_payload(kind, pd, out.body); !ok) return std::unexpected(ok.error());
  if (!pr.at_end())
    return core::fail(core::errc::malformed, "payload of " + std::string(to_string(kind)) + ": " +
                                                 std::to_string(pr.remaining()) + " unexpected trailing bytes");
  return out;
}

core::byte_buffer signing_message(const crypto::sha256_digest& record_hash) {
  return crypto::domain_message(record_signature_domain, record_hash);
}

core::expected<signed_record> sign_record(record r, crypto::signer& signer) {
  core::byte_buffer canonical = encode_canonical(r);
  const auto hash = crypto::sha256(canonical);
  auto sig = signer.sign(signing_message(hash));
  if (!sig) return core::wrap("sign record " + std::to_string(r.seq), sig.error());
  canonical.insert(canonical.end(), sig->bytes.begin(), sig->bytes.end());
  return signed_record{std::move(r), hash, *sig, std::move(canonical)};
}

core::expected<signed_record> parse_signed_record(core::byte_view bytes) {
  if (bytes.size() <= crypto::signature::size)
    return core::fail(core::errc::malformed, "signed record: " + std::to_string(bytes.size()) +
                                                 " bytes is too short to hold a record and its 64-byte signature");
  const auto canonical = bytes.first(bytes.size() - crypto::signature::size);
  auto body = decode_canonical(canonical);
  if (!body) return std::unexpected(body.error());
  signed_record out{std::move(*body), crypto::sha256(canonical), {}, core::byte_buffer(bytes.begin(), bytes.end())};
  std::copy(bytes.end() - crypto::signature::size, bytes.end(), out.sig.bytes.begin());
  return out;
}

bool verify_record_signature(const signed_record& r, const crypto::public_key& key) noexcept {
  return crypto::verify_signature(key, signing_message(r.hash), r.sig);
}

}  // namespace bodycam::common::record
