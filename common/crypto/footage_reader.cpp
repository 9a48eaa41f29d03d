#include "common/crypto/footage_reader.hpp"

#include "common/crypto/ed25519.hpp"
#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

namespace bodycam::common::crypto {

namespace {

using stream_state = crypto_secretstream_xchacha20poly1305_state;

// Reads until `out` is full or the data ends; returns how many bytes arrived.
core::expected<std::size_t> read_up_to(footage_source& source, std::span<std::uint8_t> out) {
  std::size_t got = 0;
  while (got < out.size()) {
    auto n = source.read(out.subspan(got));
    if (!n) return std::unexpected(n.error());
    if (*n == 0) break;
    got += *n;
  }
  return got;
}

}  // namespace

std::string_view to_string(footage_errc code) noexcept {
  switch (code) {
    case footage_errc::read_failed: return "read_failed";
    case footage_errc::malformed_header: return "malformed_header";
    case footage_errc::unsupported_version: return "unsupported_version";
    case footage_errc::not_for_this_key: return "not_for_this_key";
    case footage_errc::envelope_unopenable: return "envelope_unopenable";
    case footage_errc::header_mismatch: return "header_mismatch";
    case footage_errc::tampered_message: return "tampered_message";
    case footage_errc::bad_message: return "bad_message";
    case footage_errc::truncated: return "truncated";
    case footage_errc::trailing_bytes: return "trailing_bytes";
    case footage_errc::internal: return "internal";
  }
  return "unknown";
}

std::unexpected<footage_error> footage_reader::fail(footage_errc code, const std::string& what) const {
  return std::unexpected(footage_error{code, next_index_, name_ + ": " + what});
}

std::expected<footage_reader, footage_error> footage_reader::open(footage_source& source,
                                                                  std::span<const footage_secret_key> keys,
                                                                  std::string name) {
  ensure_sodium_initialized();
  footage_reader r(source, std::move(name));
  std::array<std::uint8_t, footage_header_prefix_size> prefix{};
  auto got = read_up_to(source, prefix);
  if (!got) return r.fail(footage_errc::read_failed, got.error().context);
  if (*got < prefix.size())
    return r.fail(footage_errc::truncated, "truncated in the header (" + std::to_string(*got) + " bytes)");
  auto count = parse_header_prefix(prefix);
  if (!count)
    return r.fail(count.error().code == core::errc::unsupported ? footage_errc::unsupported_version
                                                                : footage_errc::malformed_header,
                  count.error().context);
  core::byte_buffer rest(footage_header_rest_size(*count));
  got = read_up_to(source, rest);
  if (!got) return r.fail(footage_errc::read_failed, got.error().context);
  if (*got < rest.size())
    return r.fail(footage_errc::truncated,
                  "truncated in the header (" + std::to_string(prefix.size() + *got) + " bytes)");
  auto header = parse_header_rest(*count, rest);
  if (!header) return r.fail(footage_errc::malformed_header, header.error().context);
  r.header_ = std::move(*header);
  r.header_body_ = encode_header_body(r.header_);

  std::optional<guarded_bytes> file_key;
  bool named_us = false;
  for (const auto& envelope : r.header_.envelopes) {
    for (const auto& key : keys) {
      if (envelope.key_id != key.key_id()) continue;
      named_us = true;
      auto opened = open_envelope(envelope, key);
      if (!opened) continue;
      file_key = std::move(*opened);
      r.opened_with_ = key.key_id();
      break;
    }
    if (file_key) break;
  }
  if (!file_key) {
    std::string sealed_to, ours;
    for (const auto& e : r.header_.envelopes) sealed_to += (sealed_to.empty() ? "" : ", ") + e.key_id.to_hex();
    for (const auto& k : keys) ours += (ours.empty() ? "" : ", ") + k.key_id().to_hex();
    if (!named_us)
      return r.fail(footage_errc::not_for_this_key, "sealed to footage key id " + sealed_to +
                                                        ", not to ours (" + ours + "): another agency's or a key we lack");
    return r.fail(footage_errc::envelope_unopenable,
                  "the envelope for footage key id " + ours + " does not open with our secret key (altered envelope)");
  }
  const auto tag = compute_header_tag(r.header_body_, file_key->view());
  if (!equal_constant_time(tag, r.header_.tag))  // invariant 2
    return r.fail(footage_errc::header_mismatch,
                  "the header tag does not match the file key: a key envelope was swapped or the header altered");
  auto state = allocate_guarded(sizeof(stream_state), "a secretstream state");
  if (!state) return r.fail(footage_errc::internal, state.error().context);
  if (crypto_secretstream_xchacha20poly1305_init_pull(reinterpret_cast<stream_state*>(state->data()),
                                                      r.header_.stream_header.data(), file_key->data()) != 0)
    return r.fail(footage_errc::internal, "secretstream initialisation failed");
  r.state_ = std::move(*state);
  auto puller = secretstream_puller::create(reinterpret_cast<stream_state*>(r.state_.data()));
  if (!puller) return r.fail(footage_errc::internal, puller.error().context);
  r.puller_ = std::move(*puller);
  return r;
}

std::expected<std::optional<core::byte_view>, footage_error> footage_reader::next() {
  if (complete_) return std::optional<core::byte_view>();
  if (failed_) return fail(footage_errc::internal, "read after an error");
  auto stop = [&](footage_errc code, const std::string& what) {
    failed_ = true;
    return fail(code, what);
  };
  const std::string which = "message " + std::to_string(next_index_);
  std::array<std::uint8_t, footage_length_prefix_size> prefix{};
  auto got = read_up_to(*source_, prefix);
  if (!got) return stop(footage_errc::read_failed, got.error().context);
  if (*got < prefix.size())  // invariant 3
    return stop(footage_errc::truncated, "truncated before the final message: " + std::to_string(next_index_) +
                                             " complete fragments, then " + std::to_string(*got) +
                                             " bytes of the length prefix of " + which);
  std::size_t length = 0;
  for (auto b : prefix) length = (length << 8) | b;
  if (length < footage_message_overhead || length > footage_message_overhead + footage_max_fragment_bytes)
    return stop(footage_errc::tampered_message,
                which + ": length prefix " + std::to_string(length) + " is impossible (altered)");  // invariant 5
  cipher_.resize(length);
  got = read_up_to(*source_, cipher_);
  if (!got) return stop(footage_errc::read_failed, got.error().context);
  if (*got < length)
    return stop(footage_errc::truncated, "truncated before the final message: " + std::to_string(next_index_) +
                                             " complete fragments, then " + std::to_string(*got) + " of the " +
                                             std::to_string(length) + " bytes of " + which);
  plain_.resize(length - footage_message_overhead);
  unsigned char tag = 0;
  const bool first = next_index_ == 0;
  if (!puller_->pull(plain_.data(), tag, cipher_, first ? core::byte_view(header_body_) : core::byte_view()))  // invariant 1
    return stop(footage_errc::tampered_message, which + " does not authenticate: its ciphertext was altered, "
                                                        "or messages were removed or reordered");
  if (tag == crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
    ++next_index_;
    return std::optional<core::byte_view>(core::byte_view(plain_));
  }
  if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL)
    return stop(footage_errc::bad_message, which + " carries secretstream tag " + std::to_string(tag) +
                                               ", which this format never writes");
  if (!plain_.empty())
    return stop(footage_errc::bad_message, which + " is the final message but is not empty");
  std::array<std::uint8_t, 1> extra{};
  got = read_up_to(*source_, extra);
  if (!got) return stop(footage_errc::read_failed, got.error().context);
  if (*got != 0)  // invariant 4
    return stop(footage_errc::trailing_bytes,
                "bytes follow the final message (" + which + "); the file was appended to");
  complete_ = true;
  puller_.reset();
  state_ = guarded_bytes();
  return std::optional<core::byte_view>();
}

footage_salvage salvage_footage(footage_source& source, std::span<const footage_secret_key> keys, std::string name) {
  footage_salvage out;
  auto reader = footage_reader::open(source, keys, std::move(name));
  if (!reader) {
    out.stopped = reader.error();
    return out;
  }
  for (;;) {
    auto fragment = reader->next();
    if (!fragment) {
      out.stopped = fragment.error();
      return out;
    }
    if (!*fragment) return out;
    out.fragments.emplace_back((*fragment)->begin(), (*fragment)->end());
  }
}

}  // namespace bodycam::common::crypto
