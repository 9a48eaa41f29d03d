#include "common/link/handshake_state.hpp"

#include <algorithm>

namespace bodycam::common::link {

namespace core = common::core;

std::string_view to_string(role r) noexcept { return r == role::initiator ? "initiator" : "responder"; }

std::string protocol_name(const handshake_pattern& pattern) {
  return "Noise_" + std::string(pattern.name) + "_25519_ChaChaPoly_SHA256";
}

core::expected<handshake_state> handshake_state::create(const handshake_pattern& pattern, role own_role,
                                                        core::byte_view prologue, const x25519_keypair* static_key,
                                                        random_source& random) {
  auto symmetric = symmetric_state::create(protocol_name(pattern));
  if (!symmetric) return std::unexpected(symmetric.error());
  symmetric->mix_hash(prologue);
  std::optional<x25519_keypair> s;
  if (static_key != nullptr) {
    auto copy = static_key->clone();
    if (!copy) return std::unexpected(copy.error());
    s = std::move(*copy);
  }
  return handshake_state(pattern, own_role, std::move(*symmetric), std::move(s), random);
}

bool handshake_state::is_my_turn() const noexcept {
  if (is_complete()) return false;
  const bool initiator_writes = next_message_ % 2 == 0;
  return initiator_writes == (role_ == role::initiator);
}

std::string handshake_state::message_label(std::size_t index) const {
  const bool from_initiator = index % 2 == 0;
  return "handshake message " + std::to_string(index + 1) +
         (from_initiator ? " (initiator -> responder)" : " (responder -> initiator)");
}

std::unexpected<core::error> handshake_state::fail_with(const core::error& e) {
  if (!failure_) failure_ = e;  // invariant 3
  return std::unexpected(e);
}

core::status handshake_state::check_turn(bool writing) {
  if (failure_) return std::unexpected(core::error{failure_->code, "handshake failed earlier: " + failure_->context});
  if (is_complete()) return fail_with({core::errc::conflict, "handshake is complete; no further handshake message"});
  if (is_my_turn() != writing)  // invariant 1
    return fail_with({core::errc::conflict,
                      message_label(next_message_) + ": out of turn for the " + std::string(to_string(role_))});
  return {};
}

core::status handshake_state::mix_dh(token t) {
  // Which own key pair and which peer key each DH token uses (Noise §7.3):
  //   ee: DH(e, re)   ss: DH(s, rs)
  //   es: initiator DH(e, rs), responder DH(s, re)
  //   se: initiator DH(s, re), responder DH(e, rs)
  const bool initiator = role_ == role::initiator;
  const bool own_ephemeral = t == token::ee || (t == token::es && initiator) || (t == token::se && !initiator);
  const bool peer_ephemeral = t == token::ee || (t == token::es && !initiator) || (t == token::se && initiator);
  const std::optional<x25519_keypair>& own = own_ephemeral ? e_ : s_;
  const std::optional<x25519_public_key>& peer = peer_ephemeral ? re_ : rs_;
  if (!own || !peer)
    return core::fail(core::errc::internal, "the pattern uses a DH token before both of its keys are known");
  auto shared = x25519_dh(*own, *peer);
  if (!shared) return std::unexpected(shared.error());
  return symmetric_.mix_key(shared->view());
}

core::expected<core::byte_buffer> handshake_state::write_message(core::byte_view payload) {
  if (auto turn = check_turn(true); !turn) return std::unexpected(turn.error());
  const std::string label = message_label(next_message_);
  core::byte_buffer out;
  for (const token t : pattern_->messages[next_message_]) {
    if (t == token::e) {
      auto e = x25519_keypair::generate(*random_);  // invariant 4
      if (!e) return fail_with(e.error());
      e_ = std::move(*e);
      out.insert(out.end(), e_->public_key().begin(), e_->public_key().end());
      symmetric_.mix_hash(e_->public_key());
    } else if (t == token::s) {
      if (!s_)
        return fail_with({core::errc::invalid_argument, label + ": the pattern sends s but no static key was given"});
      auto sealed = symmetric_.encrypt_and_hash(s_->public_key());
      if (!sealed) return fail_with(sealed.error());
      out.insert(out.end(), sealed->begin(), sealed->end());
    } else if (auto mixed = mix_dh(t); !mixed) {
      return fail_with({mixed.error().code, "write " + label + ": " + mixed.error().context});
    }
  }
  auto sealed_payload = symmetric_.encrypt_and_hash(payload);
  if (!sealed_payload) return fail_with(sealed_payload.error());
  out.insert(out.end(), sealed_payload->begin(), sealed_payload->end());
  if (out.size() > max_noise_message)
    return fail_with({core::errc::invalid_argument,
                      "write " + label + ": " + std::to_string(out.size()) + " bytes, more than 65535"});
  ++next_message_;
  return out;
}

core::expected<core::byte_buffer> handshake_state::read_message(core::byte_view message) {
  if (auto turn = check_turn(false); !turn) return std::unexpected(turn.error());
  const std::string label = "read " + message_label(next_message_);
  if (message.size() > max_noise_message)  // invariant 2
    return fail_with(
        {core::errc::malformed, label + ": " + std::to_string(message.size()) + " bytes, more than 65535"});
  core::byte_view rest = message;
  auto take = [&](std::size_t n, std::string_view what) -> core::expected<core::byte_view> {
    if (rest.size() < n)
      return core::fail(core::errc::malformed,
                        label + ": " + std::to_string(message.size()) + " bytes, too short for " + std::string(what));
    const auto part = rest.first(n);
    rest = rest.subspan(n);
    return part;
  };
  for (const token t : pattern_->messages[next_message_]) {
    if (t == token::e) {
      auto bytes = take(dh_size, "the ephemeral key");
      if (!bytes) return fail_with(bytes.error());
      x25519_public_key re{};
      std::copy(bytes->begin(), bytes->end(), re.begin());
      re_ = re;
      symmetric_.mix_hash(*bytes);
    } else if (t == token::s) {
      auto bytes = take(symmetric_.has_key() ? dh_size + cipher_tag_size : dh_size, "the static key");
      if (!bytes) return fail_with(bytes.error());
      auto opened = symmetric_.decrypt_and_hash(*bytes);
      if (!opened) return fail_with({opened.error().code, label + ": static key: " + opened.error().context});
      x25519_public_key rs{};
      std::copy(opened->begin(), opened->end(), rs.begin());
      rs_ = rs;
    } else if (auto mixed = mix_dh(t); !mixed) {
      return fail_with({mixed.error().code, label + ": " + mixed.error().context});
    }
  }
  if (symmetric_.has_key() && rest.size() < cipher_tag_size)
    return fail_with({core::errc::malformed,
                      label + ": " + std::to_string(message.size()) + " bytes, too short for the payload's tag"});
  auto payload = symmetric_.decrypt_and_hash(rest);
  if (!payload) return fail_with({payload.error().code, label + ": payload: " + payload.error().context});
  ++next_message_;
  return payload;
}

core::expected<cipher_pair> handshake_state::split() {
  if (failure_) return std::unexpected(core::error{failure_->code, "handshake failed earlier: " + failure_->context});
  if (!is_complete() || split_done_)
    return core::fail(core::errc::conflict,
                      split_done_ ? "split: keys were already handed out" : "split: the handshake is not complete");
  split_done_ = true;
  e_.reset();  // the ephemeral secret is not needed any more: wipe it now
  return symmetric_.split();
}

}  // namespace bodycam::common::link
