// Receipt encoding, signing and parsing; the byte layout is docs/formats/receipt.md.
#include "common/receipt/receipt.hpp"

#include "common/crypto/domain_message.hpp"
#include "common/crypto/key_file.hpp"

#include <algorithm>

namespace bodycam::common::receipt {

namespace {

core::status check_fields(const receipt& r) {
  if (!crypto::is_valid_label(r.issuer))
    return core::fail(core::errc::malformed, "receipt.issuer: '" + r.issuer + "' is not a valid dock id");
  if (r.device.str().empty()) return core::fail(core::errc::malformed, "receipt.device: empty");
  if (r.first_seq >= r.end_seq)
    return core::fail(core::errc::malformed, "receipt range: first_seq " + std::to_string(r.first_seq) +
                                                 " is not below end_seq " + std::to_string(r.end_seq));
  if (r.objects.size() > max_objects)
    return core::fail(core::errc::malformed, "receipt.objects: " + std::to_string(r.objects.size()) +
                                                 " objects, more than " + std::to_string(max_objects));
  return {};
}

}  // namespace

core::byte_buffer canonical_bytes(const receipt& r) {
  core::byte_writer w;
  w.put_u16(format_version);
  w.put_string16(r.issuer);
  w.put_raw(core::byte_view(r.issuer_key.bytes));
  w.put_string16(r.device.str());
  w.put_u64(r.first_seq);
  w.put_u64(r.end_seq);
  w.put_raw(core::byte_view(r.head_hash.bytes));
  w.put_i64(static_cast<std::int64_t>(r.stored_utc.time_since_epoch().count()));
  w.put_u32(static_cast<std::uint32_t>(r.objects.size()));
  for (const auto& object : r.objects) {
    w.put_raw(core::byte_view(object.sha256.bytes));
    w.put_u64(object.byte_length);
  }
  return w.take();
}

core::byte_buffer signing_message(core::byte_view canonical) {
  return crypto::domain_message(signature_domain, crypto::sha256(canonical));
}

core::expected<signed_receipt> sign(receipt r, crypto::signer& signer) {
  if (auto ok = check_fields(r); !ok) return std::unexpected(ok.error());
  if (signer.public_key() != r.issuer_key)
    return core::fail(core::errc::invalid_argument, "sign receipt: the signer's key is not receipt.issuer_key");
  core::byte_buffer document = canonical_bytes(r);
  auto sig = signer.sign(signing_message(document));
  if (!sig) return core::wrap("sign receipt " + store_name(r), sig.error());
  document.insert(document.end(), sig->bytes.begin(), sig->bytes.end());
  return signed_receipt{std::move(r), *sig, std::move(document)};
}

core::expected<signed_receipt> parse(core::byte_view document) {
  auto bad = [](std::string what) { return core::fail(core::errc::malformed, "receipt: " + what); };
  if (document.size() <= crypto::signature::size) return bad("too short");
  const auto canonical = document.first(document.size() - crypto::signature::size);
  core::byte_reader in(canonical);
  auto version = in.get_u16("receipt.version");
  if (!version) return std::unexpected(version.error());
  if (*version != format_version)
    return core::fail(core::errc::unsupported, "receipt.version: " + std::to_string(*version) + " not supported");
  signed_receipt out;
  auto issuer = in.get_string16("receipt.issuer", record::device_id::max_length);
  if (!issuer) return std::unexpected(issuer.error());
  out.body.issuer = std::move(*issuer);
  auto issuer_key = in.get_array<crypto::public_key::size>("receipt.issuer_key");
  if (!issuer_key) return std::unexpected(issuer_key.error());
  out.body.issuer_key.bytes = *issuer_key;
  auto device_text = in.get_string16("receipt.device", record::device_id::max_length);
  if (!device_text) return std::unexpected(device_text.error());
  auto device = record::device_id::parse(*device_text);
  if (!device) return bad("receipt.device: " + device.error().context);
  out.body.device = std::move(*device);
  auto first = in.get_u64("receipt.first_seq");
  if (!first) return std::unexpected(first.error());
  auto end = in.get_u64("receipt.end_seq");
  if (!end) return std::unexpected(end.error());
  out.body.first_seq = *first;
  out.body.end_seq = *end;
  auto head = in.get_array<crypto::sha256_digest::size>("receipt.head_hash");
  if (!head) return std::unexpected(head.error());
  out.body.head_hash.bytes = *head;
  auto stored = in.get_i64("receipt.stored_utc_ns");
  if (!stored) return std::unexpected(stored.error());
  out.body.stored_utc = record::utc_time(record::nanoseconds(*stored));
  auto count = in.get_u32("receipt.object_count");
  if (!count) return std::unexpected(count.error());
  if (*count > max_objects) return bad("receipt.object_count: " + std::to_string(*count) + " is over the limit");
  // Each object is 40 bytes: a count that the remaining bytes cannot hold is refused before any allocation.
  if (static_cast<std::uint64_t>(*count) * 40U != in.remaining())
    return bad("receipt.objects: " + std::to_string(*count) + " objects do not match the " +
               std::to_string(in.remaining()) + " bytes left");
  out.body.objects.reserve(*count);
  for (std::uint32_t i = 0; i < *count; ++i) {
    stored_object object;
    auto sha = in.get_array<crypto::sha256_digest::size>("receipt.objects.sha256");
    if (!sha) return std::unexpected(sha.error());
    object.sha256.bytes = *sha;
    auto length = in.get_u64("receipt.objects.byte_length");
    if (!length) return std::unexpected(length.error());
    object.byte_length = *length;
    out.body.objects.push_back(object);
  }
  if (!in.at_end()) return bad("unexpected bytes after the objects");
  if (auto ok = check_fields(out.body); !ok) return std::unexpected(ok.error());
  std::copy(document.end() - crypto::signature::size, document.end(), out.sig.bytes.begin());
  out.document.assign(document.begin(), document.end());
  return out;
}

bool verify_signature(const signed_receipt& r) noexcept {
  if (r.document.size() <= crypto::signature::size) return false;
  const auto canonical = core::byte_view(r.document).first(r.document.size() - crypto::signature::size);
  return crypto::verify_signature(r.body.issuer_key, signing_message(canonical), r.sig);
}

std::string store_name(const receipt& r) {
  return r.device.str() + "." + std::to_string(r.first_seq) + "-" + std::to_string(r.end_seq);
}

crypto::sha256_digest document_sha256(const signed_receipt& r) noexcept { return crypto::sha256(r.document); }

record::receipt_payload to_record_payload(const signed_receipt& r) {
  record::receipt_payload p;
  p.issuer = r.body.issuer;
  p.issuer_key = r.body.issuer_key;
  p.covered_count = r.body.end_seq;
  p.receipt_sha256 = document_sha256(r);
  return p;
}

}  // namespace bodycam::common::receipt
