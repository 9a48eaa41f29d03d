#include "tools/enrollment/sealed_key.hpp"

#include "common/crypto/sodium_init.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace bodycam::tools::enrollment {

namespace {

constexpr std::size_t label_max = 64;
// magic, algorithm, ops (u64), mem (u64), salt, nonce
constexpr std::size_t header_size = sealed_key_magic.size() + 1 + 8 + 8 + sealed_key_salt_size + sealed_key_nonce_size;
constexpr std::uint64_t max_ops = 16;
constexpr std::uint64_t max_mem = std::uint64_t{4} << 30;

core::byte_buffer encode_header(const sealed_key_header& h) {
  core::byte_writer w;
  w.put_raw(sealed_key_magic);
  w.put_u8(h.algorithm);
  w.put_u64(h.limits.ops);
  w.put_u64(h.limits.mem_bytes);
  w.put_raw(core::byte_view(h.salt));
  w.put_raw(core::byte_view(h.nonce));
  return w.take();
}

// Derives the secretbox key from the passphrase into guarded memory (invariant 3).
core::expected<secret_bytes> derive_key(core::byte_view passphrase, const sealed_key_header& h) {
  secret_bytes key(crypto_secretbox_KEYBYTES);
  if (!key.is_allocated()) return core::fail(core::errc::internal, "allocate guarded memory for a sealed key");
  if (crypto_pwhash(key.data(), crypto_secretbox_KEYBYTES, reinterpret_cast<const char*>(passphrase.data()),
                    passphrase.size(), h.salt.data(), h.limits.ops, static_cast<std::size_t>(h.limits.mem_bytes),
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    return core::fail(core::errc::internal, "derive the sealing key from the passphrase (argon2id): out of memory?");
  key.resize(crypto_secretbox_KEYBYTES);
  return key;
}

}  // namespace

pwhash_limits moderate_limits() noexcept {
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

pwhash_limits minimum_limits() noexcept {
  return {std::max<std::uint64_t>(crypto_pwhash_OPSLIMIT_MIN, 1), crypto_pwhash_MEMLIMIT_MIN};
}

bool limits_in_range(const pwhash_limits& limits) noexcept {
  // Whole KiB only: argon2 counts memory in KiB, so any other value would be a second spelling of the same
  // derivation, and an altered header byte would go unnoticed.
  return limits.ops >= std::max<std::uint64_t>(crypto_pwhash_OPSLIMIT_MIN, 1) && limits.ops <= max_ops &&
         limits.mem_bytes >= crypto_pwhash_MEMLIMIT_MIN && limits.mem_bytes <= max_mem && limits.mem_bytes % 1024 == 0;
}

secret_bytes::secret_bytes(std::size_t capacity) {
  crypto::ensure_sodium_initialized();
  data_ = static_cast<std::uint8_t*>(sodium_malloc(capacity == 0 ? 1 : capacity));
  capacity_ = data_ != nullptr ? capacity : 0;
}

secret_bytes::secret_bytes(secret_bytes&& other) noexcept
    : data_(other.data_), capacity_(other.capacity_), size_(other.size_) {
  other.data_ = nullptr;
  other.capacity_ = 0;
  other.size_ = 0;
}

secret_bytes::~secret_bytes() {
  if (data_ != nullptr) sodium_free(data_);  // sodium_free wipes before freeing
}

core::expected<core::byte_buffer> seal_secret_key(const crypto::secret_key& key, std::string_view label,
                                                  core::byte_view passphrase, pwhash_limits limits) {
  crypto::ensure_sodium_initialized();
  if (passphrase.empty()) return core::fail(core::errc::invalid_argument, "seal root key: the passphrase is empty");
  if (!crypto::is_valid_label(label))
    return core::fail(core::errc::invalid_argument, "seal root key: label '" + std::string(label) + "' is not valid");
  if (!limits_in_range(limits))
    return core::fail(core::errc::invalid_argument, "seal root key: argon2id limits out of range");
  sealed_key_header h;
  h.limits = limits;
  randombytes_buf(h.salt.data(), h.salt.size());
  randombytes_buf(h.nonce.data(), h.nonce.size());
  auto box_key = derive_key(passphrase, h);
  if (!box_key) return std::unexpected(box_key.error());
  // Plaintext: u8 label length || label || 32-byte seed, in guarded memory.
  const std::size_t plain_size = 1 + label.size() + crypto::secret_key::seed_size;
  secret_bytes plain(plain_size);
  if (!plain.is_allocated()) return core::fail(core::errc::internal, "allocate guarded memory for a sealed key");
  plain.data()[0] = static_cast<std::uint8_t>(label.size());
  std::copy(label.begin(), label.end(), plain.data() + 1);
  const auto seed = key.seed();
  std::copy(seed.begin(), seed.end(), plain.data() + 1 + label.size());
  core::byte_buffer out = encode_header(h);
  const std::size_t at = out.size();
  out.resize(at + crypto_secretbox_MACBYTES + plain_size);
  crypto_secretbox_easy(out.data() + at, plain.data(), plain_size, h.nonce.data(), box_key->data());
  return out;
}

core::expected<sealed_key_header> parse_sealed_key_header(core::byte_view file) {
  auto bad = [](std::string what) { return core::fail(core::errc::malformed, "sealed key: " + what); };
  if (file.size() > max_sealed_key_bytes) return bad("larger than " + std::to_string(max_sealed_key_bytes) + " bytes");
  core::byte_reader r(file);
  auto magic = r.get_raw(sealed_key_magic.size(), "magic");
  if (!magic || !std::equal(magic->begin(), magic->end(), sealed_key_magic.begin(), sealed_key_magic.end(),
                            [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); }))
    return bad("not a sealed key file (it does not start with 'bodycam-sealed-key-v1')");
  sealed_key_header h;
  auto algorithm = r.get_u8("algorithm");
  if (!algorithm) return std::unexpected(algorithm.error());
  if (*algorithm != sealed_key_algorithm)
    return core::fail(core::errc::unsupported, "sealed key: algorithm " + std::to_string(*algorithm) + " is unknown");
  h.algorithm = *algorithm;
  auto ops = r.get_u64("ops_limit");
  if (!ops) return std::unexpected(ops.error());
  auto mem = r.get_u64("mem_limit");
  if (!mem) return std::unexpected(mem.error());
  h.limits = {*ops, *mem};
  if (!limits_in_range(h.limits))  // invariant 2
    return bad("argon2id limits out of range (ops " + std::to_string(*ops) + ", memory " + std::to_string(*mem) +
               " bytes)");
  auto salt = r.get_array<sealed_key_salt_size>("salt");
  if (!salt) return std::unexpected(salt.error());
  h.salt = *salt;
  auto nonce = r.get_array<sealed_key_nonce_size>("nonce");
  if (!nonce) return std::unexpected(nonce.error());
  h.nonce = *nonce;
  return h;
}

core::expected<crypto::labelled_secret_key> open_sealed_key(core::byte_view file, core::byte_view passphrase) {
  crypto::ensure_sodium_initialized();
  auto h = parse_sealed_key_header(file);
  if (!h) return std::unexpected(h.error());
  const std::size_t sealed_size = file.size() - header_size;
  const std::size_t min_plain = 1 + 1 + crypto::secret_key::seed_size;
  const std::size_t max_plain = 1 + label_max + crypto::secret_key::seed_size;
  if (file.size() < header_size || sealed_size < crypto_secretbox_MACBYTES + min_plain ||
      sealed_size > crypto_secretbox_MACBYTES + max_plain)
    return core::fail(core::errc::malformed, "sealed key: truncated or padded (" + std::to_string(file.size()) +
                                                 " bytes)");
  auto box_key = derive_key(passphrase, *h);
  if (!box_key) return std::unexpected(box_key.error());
  const std::size_t plain_size = sealed_size - crypto_secretbox_MACBYTES;
  secret_bytes plain(plain_size);
  if (!plain.is_allocated()) return core::fail(core::errc::internal, "allocate guarded memory for a sealed key");
  if (crypto_secretbox_open_easy(plain.data(), file.data() + header_size, sealed_size, h->nonce.data(),
                                 box_key->data()) != 0)  // invariant 1
    return core::fail(core::errc::permission,
                      "open sealed root key: wrong passphrase, or the file was altered (it does not authenticate)");
  const std::size_t label_size = plain.data()[0];
  if (label_size == 0 || label_size > label_max || 1 + label_size + crypto::secret_key::seed_size != plain_size)
    return core::fail(core::errc::malformed, "sealed key: the sealed label length does not match");
  const std::string label(reinterpret_cast<const char*>(plain.data() + 1), label_size);
  if (!crypto::is_valid_label(label)) return core::fail(core::errc::malformed, "sealed key: the sealed label");
  auto key = crypto::secret_key::from_seed(core::byte_view(plain.data() + 1 + label_size, crypto::secret_key::seed_size));
  if (!key) return core::wrap("open sealed root key", key.error());
  return crypto::labelled_secret_key{label, std::move(*key)};
}

}  // namespace bodycam::tools::enrollment
