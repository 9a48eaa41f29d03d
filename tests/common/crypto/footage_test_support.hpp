// Shared by the encrypted footage tests: fixed keys, a file built from fragment strings, and short spellings.
#pragma once

#include "common/crypto/footage_reader.hpp"
#include "common/crypto/footage_writer.hpp"

#include <string>
#include <vector>

namespace bodycam::tests::footage {

namespace crypto = bodycam::common::crypto;
namespace core = bodycam::common::core;

// An X25519 secret of 32 bytes `fill`, fill+1, ...
inline crypto::footage_secret_key fixed_key(std::uint8_t fill) {
  std::vector<std::uint8_t> bytes(32);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(fill + i);
  return crypto::footage_secret_key::from_bytes(bytes).value();
}

inline core::byte_view view_of(const std::string& text) {
  return core::byte_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

inline std::string text_of(core::byte_view bytes) { return std::string(bytes.begin(), bytes.end()); }

struct written_file {
  core::byte_buffer bytes;
  crypto::footage_digests digests;
  std::vector<crypto::written_message> messages;
};

// Writes `fragments` to a memory sink sealed to `recipients`, finished unless `finish` is false.
inline written_file write_file(const std::vector<std::string>& fragments,
                               std::vector<crypto::footage_public_key> recipients,
                               const crypto::random_fill& random, bool finish = true) {
  crypto::memory_sink sink;
  auto writer = crypto::footage_writer::start(sink, recipients, random).value();
  written_file out;
  for (const auto& f : fragments) out.messages.push_back(writer.append_fragment(view_of(f)).value());
  if (finish) out.digests = writer.finish().value();
  out.bytes = sink.bytes();
  return out;
}

}  // namespace bodycam::tests::footage
