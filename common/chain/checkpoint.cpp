#include "common/chain/checkpoint.hpp"

#include "common/crypto/domain_message.hpp"
namespace bodycam::common::chain {

namespace {
core::byte_buffer checkpoint_signing_message(core::byte_view canonical) {
  return crypto::domain_message(checkpoint_signature_domain, crypto::sha256(canonical));
}
}  // namespace

core::byte_buffer encode_checkpoint(const checkpoint& c) {
  core::byte_writer w;
  w.put_raw(checkpoint_magic);
  w.put_u16(record::format_version);
  w.put_string16(c.device.str());
  w.put_u64(c.count);
  w.put_raw(core::byte_view(c.head.bytes));
  w.put_i64(static_cast<std::int64_t>(c.utc.time_since_epoch().count()));
  return w.take();
}

core::expected<signed_checkpoint> sign_checkpoint(const checkpoint& c, crypto::signer& signer) {
  core::byte_buffer bytes = encode_checkpoint(c);
  auto sig = signer.sign(checkpoint_signing_message(bytes));
  if (!sig) return core::wrap("sign checkpoint", sig.error());
  bytes.insert(bytes.end(), sig->bytes.begin(), sig->bytes.end());
  return signed_checkpoint{c, *sig, std::move(bytes)};
}

core::expected<signed_checkpoint> parse_signed_checkpoint(core::byte_view bytes) {
  auto bad = [](std::string what) { return core::fail(core::errc::malformed, "checkpoint: " + what); };
  if (bytes.size() <= crypto::signature::size) return bad("too short");
  const auto canonical = bytes.first(bytes.size() - crypto::signature::size);
  core::byte_reader r(canonical);
  auto magic = r.get_raw(checkpoint_magic.size(), "checkpoint.magic");
  if (!magic) return std::unexpected(magic.error());
  if (!std::equal(magic->begin(), magic->end(), checkpoint_magic.begin())) return bad("not a checkpoint (magic)");
  auto version = r.get_u16("checkpoint.version");
  if (!version) return std::unexpected(version.error());
  if (*version != record::format_version)
    return core::fail(core::errc::unsupported, "checkpoint: version " + std::to_string(*version) + " not supported");
  auto device_text = r.get_string16("checkpoint.device", record::device_id::max_length);
  if (!device_text) return std::unexpected(device_text.error());
  auto device = record::device_id::parse(*device_text);
  if (!device) return bad(device.error().context);
  auto count = r.get_u64("checkpoint.count");
  if (!count) return std::unexpected(count.error());
  auto head = r.get_array<32>("checkpoint.head");
  if (!head) return std::unexpected(head.error());
  auto utc = r.get_i64("checkpoint.utc_ns");
  if (!utc) return std::unexpected(utc.error());
  if (!r.at_end()) return bad("unexpected bytes after utc_ns");
  signed_checkpoint out;
  out.body.device = *device;
  out.body.count = *count;
  out.body.head.bytes = *head;
  out.body.utc = record::utc_time(record::nanoseconds(*utc));
  std::copy(bytes.end() - crypto::signature::size, bytes.end(), out.sig.bytes.begin());
  out.bytes.assign(bytes.begin(), bytes.end());
  return out;
}

bool verify_checkpoint_signature(const signed_checkpoint& c, const crypto::public_key& key) noexcept {
  const auto canonical = core::byte_view(c.bytes).first(c.bytes.size() - crypto::signature::size);
  return crypto::verify_signature(key, checkpoint_signing_message(canonical), c.sig);
}

core::byte_buffer witness_message(const record::device_id& device, std::uint64_t count,
                                  const crypto::sha256_digest& head, record::utc_time dock_utc) {
  core::byte_writer w;
  w.put_raw(witness_signature_domain);
  w.put_string16(device.str());
  w.put_u64(count);
  w.put_raw(core::byte_view(head.bytes));
  w.put_i64(static_cast<std::int64_t>(dock_utc.time_since_epoch().count()));
  return w.take();
}

}  // namespace bodycam::common::chain
