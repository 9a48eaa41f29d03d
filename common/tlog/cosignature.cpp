#include "common/tlog/cosignature.hpp"

namespace bodycam::common::tlog {

namespace {
using core::text_bytes;
}  // namespace

std::string cosignature_message(std::string_view checkpoint_text, std::chrono::sys_seconds time) {
  return "cosignature/v1\ntime " + std::to_string(time.time_since_epoch().count()) + "\n" + std::string(checkpoint_text);
}

core::expected<std::string> cosign_checkpoint(std::string_view checkpoint_text, std::string_view name,
                                              crypto::signer& signer, std::chrono::sys_seconds time) {
  const std::string what = "cosign checkpoint as " + std::string(name);
  if (time.time_since_epoch().count() < 0) return core::fail(core::errc::invalid_argument, what + ": time before 1970");
  auto sig = signer.sign(text_bytes(cosignature_message(checkpoint_text, time)));
  if (!sig) return core::wrap(what, sig.error());
  core::byte_writer w;
  w.put_u64(static_cast<std::uint64_t>(time.time_since_epoch().count()));
  w.put_raw(sig->bytes);
  return format_signature_line(name, compute_key_id(name, key_type::cosignature_v1, signer.public_key()), w.bytes());
}

core::expected<std::chrono::sys_seconds> verify_cosignature(std::string_view checkpoint_text,
                                                            const crypto::public_key& key, core::byte_view signature) {
  if (signature.size() != cosignature_size) {
    return core::fail(core::errc::malformed, "verify cosignature: " + std::to_string(signature.size()) +
                                                 " bytes, expected " + std::to_string(cosignature_size));
  }
  core::byte_reader r(signature);
  const auto seconds = r.get_u64("cosignature timestamp").value();
  if (seconds > static_cast<std::uint64_t>(INT64_MAX)) {
    return core::fail(core::errc::malformed, "verify cosignature: timestamp out of range");
  }
  const std::chrono::sys_seconds time{std::chrono::seconds(static_cast<std::int64_t>(seconds))};
  crypto::signature sig;
  std::copy(signature.begin() + 8, signature.end(), sig.bytes.begin());
  if (!crypto::verify_signature(key, text_bytes(cosignature_message(checkpoint_text, time)), sig)) {
    return core::fail(core::errc::bad_signature, "verify cosignature of time " + std::to_string(seconds) + ": does not verify");
  }
  return time;
}

}  // namespace bodycam::common::tlog
