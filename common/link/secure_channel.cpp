#include "common/link/secure_channel.hpp"

#include "common/link/wire_decoder.hpp"

namespace bodycam::common::link {

namespace core = common::core;

namespace {
std::string_view peer_role_name(role own) { return own == role::initiator ? "responder" : "initiator"; }
}  // namespace

void secure_channel::close(std::string reason) {
  if (!closed_) closed_ = std::move(reason);
}

std::unexpected<core::error> secure_channel::closed_error(std::string_view operation) const {
  return std::unexpected(
      core::error{core::errc::closed, std::string(operation) + ": the secure channel is closed (" + *closed_ + ")"});
}

core::expected<core::byte_buffer> secure_channel::seal(const frame& f) {
  if (closed_) return closed_error("send frame");
  auto plaintext = encode_frame(f);  // invariant 3: refused before a nonce is used
  if (!plaintext) return std::unexpected(plaintext.error());
  const std::uint64_t number = send_.nonce() + 1;
  auto ciphertext = send_.encrypt_with_ad({}, *plaintext);
  if (!ciphertext) {
    const std::string context = "seal transport message " + std::to_string(number) + ": " + ciphertext.error().context;
    close(context);
    return core::fail(ciphertext.error().code, context);
  }
  return encode_wire_message(*ciphertext);
}

core::expected<frame> secure_channel::open(core::byte_view noise_message) {
  if (closed_) return closed_error("receive frame");
  const std::string what = "open transport message " + std::to_string(receive_.nonce() + 1) + " from the " +
                           std::string(peer_role_name(role_));
  auto plaintext = receive_.decrypt_with_ad({}, noise_message);
  if (!plaintext) {  // invariant 2
    const std::string context = what + ": " + plaintext.error().context;
    close(context);
    return core::fail(plaintext.error().code, context);
  }
  auto parsed = parse_frame(*plaintext);
  if (!parsed) {
    const std::string context = what + ": " + parsed.error().context;
    close(context);
    return core::fail(parsed.error().code, context);
  }
  return parsed;
}

}  // namespace bodycam::common::link
