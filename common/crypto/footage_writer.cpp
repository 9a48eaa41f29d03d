#include "common/crypto/footage_writer.hpp"

#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

#include <string>

namespace bodycam::common::crypto {

namespace {
using stream_state = crypto_secretstream_xchacha20poly1305_state;
stream_state* as_state(guarded_bytes& bytes) { return reinterpret_cast<stream_state*>(bytes.data()); }
}  // namespace

core::expected<footage_writer> footage_writer::start(footage_sink& sink,
                                                     std::span<const footage_public_key> recipients,
                                                     const random_fill& random) {
  ensure_sodium_initialized();
  if (recipients.empty() || recipients.size() > footage_max_envelopes)
    return core::fail(core::errc::invalid_argument, "start encrypted footage: " + std::to_string(recipients.size()) +
                                                        " recipient keys given, 1.." +
                                                        std::to_string(footage_max_envelopes) + " allowed");
  auto file_key = allocate_guarded(footage_file_key_size, "a footage file key");  // invariant 2
  if (!file_key) return std::unexpected(file_key.error());
  random(file_key->span());
  footage_header header;
  for (const auto& recipient : recipients) {
    auto envelope = seal_file_key(recipient, file_key->view(), random);
    if (!envelope) return core::wrap("start encrypted footage", envelope.error());
    header.envelopes.push_back(*envelope);
  }
  random(std::span<std::uint8_t>(header.stream_header));
  auto state = allocate_guarded(sizeof(stream_state), "a secretstream state");
  if (!state) return std::unexpected(state.error());
  // init_pull derives from (header, key) the very state init_push would after drawing that header itself;
  // drawing the header from `random` is what makes the golden vector reproducible.
  if (crypto_secretstream_xchacha20poly1305_init_pull(as_state(*state), header.stream_header.data(),
                                                      file_key->data()) != 0)
    return core::fail(core::errc::internal, "start encrypted footage: secretstream initialisation failed");
  core::byte_buffer body = encode_header_body(header);
  header.tag = compute_header_tag(body, file_key->view());
  const core::byte_buffer bytes = encode_header(header);
  footage_writer writer(sink, std::move(*state), std::move(body));
  if (auto ok = sink.write(bytes); !ok) return core::wrap("write the encrypted footage header", ok.error());
  writer.hashes_.add_ciphertext(bytes);
  writer.offset_ = bytes.size();
  return writer;
}

core::expected<written_message> footage_writer::push(core::byte_view plaintext, unsigned char tag) {
  const std::size_t cipher_size = plaintext.size() + footage_message_overhead;
  frame_.resize(footage_length_prefix_size + cipher_size);
  for (std::size_t i = 0; i < footage_length_prefix_size; ++i)
    frame_[i] = static_cast<std::uint8_t>(cipher_size >> (8 * (footage_length_prefix_size - 1 - i)));
  const bool first = next_index_ == 0;
  crypto_secretstream_xchacha20poly1305_push(as_state(state_), frame_.data() + footage_length_prefix_size, nullptr,
                                             plaintext.data(), plaintext.size(),
                                             first ? header_body_.data() : nullptr, first ? header_body_.size() : 0,
                                             tag);
  const written_message where{next_index_, offset_, frame_.size()};
  if (auto ok = sink_->write(frame_); !ok) {  // invariant 1
    failed_ = true;                            // invariant 3
    return core::wrap("write encrypted footage message " + std::to_string(next_index_), ok.error());
  }
  hashes_.add_ciphertext(frame_);  // invariant 4
  offset_ += frame_.size();
  ++next_index_;
  if (first) core::byte_buffer().swap(header_body_);
  return where;
}

core::expected<written_message> footage_writer::append_fragment(core::byte_view plaintext) {
  if (failed_ || finished_)
    return core::fail(core::errc::conflict, std::string("append to encrypted footage: the writer ") +
                                                (finished_ ? "has finished" : "failed earlier"));
  if (plaintext.empty() || plaintext.size() > footage_max_fragment_bytes)
    return core::fail(core::errc::invalid_argument, "append to encrypted footage: a fragment of " +
                                                        std::to_string(plaintext.size()) + " bytes (1.." +
                                                        std::to_string(footage_max_fragment_bytes) + " allowed)");
  auto where = push(plaintext, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  if (where) hashes_.add_fragment_plaintext(plaintext);
  return where;
}

core::expected<footage_digests> footage_writer::finish() {
  if (failed_ || finished_)
    return core::fail(core::errc::conflict, std::string("finish encrypted footage: the writer ") +
                                                (finished_ ? "has finished" : "failed earlier"));
  auto where = push(core::byte_view(), crypto_secretstream_xchacha20poly1305_TAG_FINAL);
  if (!where) return std::unexpected(where.error());
  finished_ = true;
  state_ = guarded_bytes();  // the key goes now, not with the writer
  return hashes_.finish();
}

}  // namespace bodycam::common::crypto
