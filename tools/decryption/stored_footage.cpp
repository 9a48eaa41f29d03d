// Decrypting a stored encrypted file against its record (stored_footage.hpp D1-D3).
#include "tools/decryption/stored_footage.hpp"

#include "common/crypto/footage_reader.hpp"
#include "common/crypto/sha256.hpp"

namespace bodycam::tools::decryption {

namespace core = common::core;
namespace crypto = common::crypto;
namespace record = common::record;
namespace store = common::store;

namespace {

// The store's object as the footage reader's source, hashing every ciphertext byte it hands on (D3).
class hashing_source final : public crypto::footage_source {
 public:
  explicit hashing_source(store::object_reader& in) : in_(in) {}
  [[nodiscard]] core::expected<std::size_t> read(std::span<std::uint8_t> out) override {
    auto n = in_.read(out);
    if (!n) return std::unexpected(n.error());
    hasher_.update(core::byte_view(out.data(), *n));
    bytes_ += *n;
    return *n;
  }
  [[nodiscard]] crypto::sha256_digest finish() noexcept { return hasher_.finish(); }
  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }

 private:
  store::object_reader& in_;
  crypto::sha256_hasher hasher_;
  std::uint64_t bytes_ = 0;
};

// D1: the key ids of the file's envelopes, from its stored header (no key needed).
core::expected<std::vector<crypto::footage_key_id>> stored_key_ids(const store::store& s, const encrypted_file& f) {
  auto prefix = s.read_object_range(f.ciphertext_sha256, 0, crypto::footage_header_prefix_size);
  if (!prefix) return core::wrap("read the footage header of " + f.name, prefix.error());
  if (prefix->size() < crypto::footage_header_prefix_size)
    return core::fail(core::errc::corrupt, f.name + ": the stored file ends inside its footage header");
  auto count = crypto::parse_header_prefix(*prefix);
  if (!count) return core::wrap(f.name, count.error());
  const std::size_t rest_size = crypto::footage_header_rest_size(*count);
  auto rest = s.read_object_range(f.ciphertext_sha256, crypto::footage_header_prefix_size, rest_size);
  if (!rest) return core::wrap("read the footage header of " + f.name, rest.error());
  if (rest->size() < rest_size)
    return core::fail(core::errc::corrupt, f.name + ": the stored file ends inside its footage header");
  auto header = crypto::parse_header_rest(*count, *rest);
  if (!header) return core::wrap(f.name, header.error());
  std::vector<crypto::footage_key_id> ids;
  for (const auto& e : header->envelopes) ids.push_back(e.key_id);
  return ids;
}

}  // namespace

bool is_plaintext_unstated(const record::footage_plaintext& p) noexcept {
  return p.byte_length == 0 && p.sha256 == crypto::sha256_digest{};
}

const record::footage_plaintext* plaintext_of(const record::record& r) noexcept {
  if (const auto* s = std::get_if<record::segment_payload>(&r.body)) return s->encrypted ? &*s->encrypted : nullptr;
  if (const auto* a = std::get_if<record::annotation_payload>(&r.body)) return a->encrypted ? &*a->encrypted : nullptr;
  if (const auto* p = std::get_if<record::photo_payload>(&r.body)) return p->encrypted ? &*p->encrypted : nullptr;
  return nullptr;
}

core::expected<decrypted_file> decrypt_stored_file(const store::store& s, const encrypted_file& f,
                                                   footage_key_chest& keys, crypto::footage_sink& out) {
  auto ids = stored_key_ids(s, f);
  if (!ids) return std::unexpected(ids.error());
  auto key = keys.key_for(*ids, f.name);  // D1
  if (!key) return std::unexpected(key.error());
  auto reader = s.open_object(f.ciphertext_sha256);
  if (!reader) return core::wrap("read " + f.name, reader.error());
  hashing_source source(**reader);
  const std::span<const crypto::footage_secret_key> one(*key, 1);
  auto opened = crypto::footage_reader::open(source, one, f.name);
  auto refuse = [&](const crypto::footage_error& e) {
    return core::fail(e.code == crypto::footage_errc::read_failed ? core::errc::io : core::errc::corrupt,
                      "decrypt " + f.name + ": " + std::string(crypto::to_string(e.code)) + ": " + e.message);
  };
  if (!opened) return refuse(opened.error());
  crypto::sha256_hasher plain;
  std::uint64_t plain_bytes = 0;
  decrypted_file done{opened->opened_with(), 0, {}, 0, !is_plaintext_unstated(f.plaintext), {}};
  for (;;) {  // D2
    auto fragment = opened->next();
    if (!fragment) {
      if (done.plaintext_stated || fragment.error().code != crypto::footage_errc::truncated)
        return refuse(fragment.error());
      done.salvaged = fragment.error().message;  // D4
      break;
    }
    if (!*fragment) break;
    if (auto ok = out.write(**fragment); !ok) return core::wrap("write the plaintext of " + f.name, ok.error());
    plain.update(**fragment);
    plain_bytes += (*fragment)->size();
    ++done.fragments;
  }
  const auto cipher_digest = source.finish();  // D3
  if (cipher_digest != f.ciphertext_sha256 || source.bytes() != f.ciphertext_bytes)
    return core::fail(core::errc::corrupt, f.name + ": the stored file (" + std::to_string(source.bytes()) +
                                               " bytes, SHA-256 " + cipher_digest.to_hex() +
                                               ") does not match its record");
  const auto plain_digest = plain.finish();
  done.plaintext_sha256 = plain_digest;
  done.plaintext_bytes = plain_bytes;
  if (!done.plaintext_stated) return done;
  if (plain_digest != f.plaintext.sha256 || plain_bytes != f.plaintext.byte_length)
    return core::fail(core::errc::corrupt, f.name + ": the plaintext (" + std::to_string(plain_bytes) +
                                               " bytes, SHA-256 " + plain_digest.to_hex() +
                                               ") is not the one its record states (" +
                                               std::to_string(f.plaintext.byte_length) + " bytes, " +
                                               f.plaintext.sha256.to_hex() + ")");
  return done;
}

}  // namespace bodycam::tools::decryption
