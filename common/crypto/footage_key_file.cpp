#include "common/crypto/footage_key_file.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/secret_file.hpp"
#include "common/core/unique_fd.hpp"
#include "common/crypto/key_file.hpp"
#include "common/crypto/sodium_init.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace bodycam::common::crypto {

namespace {

constexpr std::size_t salt_size = crypto_pwhash_SALTBYTES;
constexpr std::size_t nonce_size = crypto_secretbox_NONCEBYTES;
constexpr std::size_t label_max = 64;
// magic, algorithm, ops, mem, salt, nonce, public key
constexpr std::size_t header_size = footage_secret_magic.size() + 1 + 8 + 8 + salt_size + nonce_size +
                                    footage_public_key::size;
constexpr std::uint64_t max_ops = 16;
constexpr std::uint64_t max_mem = std::uint64_t{4} << 30;

struct sealed_header {
  kdf_limits limits;
  std::array<std::uint8_t, salt_size> salt{};
  std::array<std::uint8_t, nonce_size> nonce{};
  footage_public_key public_key;
};

std::unexpected<core::error> malformed(std::string what) {
  return core::fail(core::errc::malformed, "footage key file: " + what);
}

core::expected<sealed_header> parse_sealed_header(core::byte_view file) {
  if (file.size() > max_footage_key_file_bytes) return malformed("larger than 512 bytes");
  core::byte_reader r(file);
  auto magic = r.get_raw(footage_secret_magic.size(), "magic");
  if (!magic || !std::equal(magic->begin(), magic->end(), footage_secret_magic.begin(), footage_secret_magic.end(),
                            [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); }))
    return malformed("not a sealed footage key (it does not start with 'bodycam-footage-key-v1')");
  auto algorithm = r.get_u8("algorithm");
  if (!algorithm) return std::unexpected(algorithm.error());
  if (*algorithm != footage_key_algorithm)
    return core::fail(core::errc::unsupported, "footage key file: algorithm " + std::to_string(*algorithm) +
                                                   " is unknown");
  sealed_header h;
  auto ops = r.get_u64("ops_limit");
  if (!ops) return std::unexpected(ops.error());
  auto mem = r.get_u64("mem_limit");
  if (!mem) return std::unexpected(mem.error());
  h.limits = {*ops, *mem};
  if (!kdf_limits_in_range(h.limits))  // invariant 2
    return malformed("argon2id limits out of range (ops " + std::to_string(*ops) + ", memory " +
                     std::to_string(*mem) + " bytes)");
  auto salt = r.get_array<salt_size>("salt");
  if (!salt) return std::unexpected(salt.error());
  h.salt = *salt;
  auto nonce = r.get_array<nonce_size>("nonce");
  if (!nonce) return std::unexpected(nonce.error());
  h.nonce = *nonce;
  auto pub = r.get_array<footage_public_key::size>("public key");
  if (!pub) return std::unexpected(pub.error());
  h.public_key.bytes = *pub;
  return h;
}

core::expected<guarded_bytes> derive_box_key(core::byte_view passphrase, const sealed_header& h) {
  auto key = allocate_guarded(crypto_secretbox_KEYBYTES, "a footage key file's sealing key");  // invariant 3
  if (!key) return std::unexpected(key.error());
  if (crypto_pwhash(key->data(), key->size(), reinterpret_cast<const char*>(passphrase.data()), passphrase.size(),
                    h.salt.data(), h.limits.ops, static_cast<std::size_t>(h.limits.mem_bytes),
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    return core::fail(core::errc::internal, "derive the footage key file's sealing key (argon2id): out of memory?");
  return key;
}

}  // namespace

kdf_limits moderate_kdf_limits() noexcept { return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE}; }

kdf_limits minimum_kdf_limits() noexcept {
  return {std::max<std::uint64_t>(crypto_pwhash_OPSLIMIT_MIN, 1), crypto_pwhash_MEMLIMIT_MIN};
}

bool kdf_limits_in_range(const kdf_limits& limits) noexcept {
  return limits.ops >= std::max<std::uint64_t>(crypto_pwhash_OPSLIMIT_MIN, 1) && limits.ops <= max_ops &&
         limits.mem_bytes >= crypto_pwhash_MEMLIMIT_MIN && limits.mem_bytes <= max_mem &&
         limits.mem_bytes % 1024 == 0;
}

core::expected<core::byte_buffer> seal_footage_secret_key(const footage_secret_key& key, std::string_view label,
                                                          core::byte_view passphrase, kdf_limits limits,
                                                          const random_fill& random) {
  ensure_sodium_initialized();
  if (passphrase.empty()) return core::fail(core::errc::invalid_argument, "seal footage key: the passphrase is empty");
  if (!is_valid_label(label))
    return core::fail(core::errc::invalid_argument, "seal footage key: label '" + std::string(label) + "' is not valid");
  if (!kdf_limits_in_range(limits))
    return core::fail(core::errc::invalid_argument, "seal footage key: argon2id limits out of range");
  sealed_header h;
  h.limits = limits;
  random(std::span<std::uint8_t>(h.salt));
  random(std::span<std::uint8_t>(h.nonce));
  h.public_key = key.public_key();
  auto box_key = derive_box_key(passphrase, h);
  if (!box_key) return std::unexpected(box_key.error());
  const std::size_t plain_size = 1 + label.size() + footage_secret_key::size;
  auto plain = allocate_guarded(plain_size, "a footage key file");
  if (!plain) return std::unexpected(plain.error());
  plain->data()[0] = static_cast<std::uint8_t>(label.size());
  std::copy(label.begin(), label.end(), plain->data() + 1);
  std::copy(key.secret().begin(), key.secret().end(), plain->data() + 1 + label.size());
  core::byte_writer w;
  w.put_raw(footage_secret_magic);
  w.put_u8(footage_key_algorithm);
  w.put_u64(h.limits.ops);
  w.put_u64(h.limits.mem_bytes);
  w.put_raw(core::byte_view(h.salt));
  w.put_raw(core::byte_view(h.nonce));
  w.put_raw(core::byte_view(h.public_key.bytes));
  core::byte_buffer out = w.take();
  const std::size_t at = out.size();
  out.resize(at + crypto_secretbox_MACBYTES + plain_size);
  crypto_secretbox_easy(out.data() + at, plain->data(), plain_size, h.nonce.data(), box_key->data());
  return out;
}

core::expected<footage_public_key> sealed_footage_public_key(core::byte_view file) {
  auto h = parse_sealed_header(file);
  if (!h) return std::unexpected(h.error());
  return h->public_key;
}

core::expected<labelled_footage_secret_key> open_footage_secret_key(core::byte_view file,
                                                                    core::byte_view passphrase) {
  ensure_sodium_initialized();
  auto h = parse_sealed_header(file);
  if (!h) return std::unexpected(h.error());
  const std::size_t min_plain = 1 + 1 + footage_secret_key::size;
  const std::size_t max_plain = 1 + label_max + footage_secret_key::size;
  if (file.size() < header_size + crypto_secretbox_MACBYTES + min_plain ||
      file.size() > header_size + crypto_secretbox_MACBYTES + max_plain)
    return malformed("truncated or padded (" + std::to_string(file.size()) + " bytes)");
  const std::size_t sealed_size = file.size() - header_size;
  auto box_key = derive_box_key(passphrase, *h);
  if (!box_key) return std::unexpected(box_key.error());
  auto plain = allocate_guarded(sealed_size - crypto_secretbox_MACBYTES, "a footage key file");
  if (!plain) return std::unexpected(plain.error());
  if (crypto_secretbox_open_easy(plain->data(), file.data() + header_size, sealed_size, h->nonce.data(),
                                 box_key->data()) != 0)  // invariant 1
    return core::fail(core::errc::permission,
                      "open the footage key: wrong passphrase, or the file was altered (it does not authenticate)");
  const std::size_t label_size = plain->data()[0];
  if (label_size == 0 || 1 + label_size + footage_secret_key::size != plain->size())
    return malformed("the sealed label length does not match");
  const std::string label(reinterpret_cast<const char*>(plain->data() + 1), label_size);
  if (!is_valid_label(label)) return malformed("the sealed label is not valid");
  auto key = footage_secret_key::from_bytes(core::byte_view(plain->data() + 1 + label_size, footage_secret_key::size));
  if (!key) return core::wrap("open the footage key", key.error());
  if (key->public_key() != h->public_key)
    return core::fail(core::errc::permission, "open the footage key: the sealed secret does not match the public key "
                                              "written beside it (the file was altered)");
  return labelled_footage_secret_key{label, std::move(*key)};
}

core::status write_sealed_footage_key(const std::filesystem::path& path, core::byte_view sealed) {
  return core::write_file_durably(path, sealed, {.mode = 0600, .create_only = true});
}

core::expected<core::byte_buffer> load_sealed_footage_key(const std::filesystem::path& path) {
  auto opened = core::open_secret_file(path, "footage key file");  // invariant 4
  if (!opened) return std::unexpected(opened.error());
  const core::unique_fd fd = std::move(*opened);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return core::fail_errno("stat footage key file", path.string(), errno);
  if (static_cast<std::size_t>(st.st_size) > max_footage_key_file_bytes)
    return malformed(path.string() + " is too large for a footage key file");
  core::byte_buffer bytes(max_footage_key_file_bytes + 1);
  std::size_t length = 0;
  for (;;) {
    const ssize_t n = ::read(fd.get(), bytes.data() + length, bytes.size() - length);
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail_errno("read footage key file", path.string(), errno);
    }
    if (n == 0) break;
    length += static_cast<std::size_t>(n);
    if (length == bytes.size()) return malformed(path.string() + " is too large for a footage key file");
  }
  bytes.resize(length);
  return bytes;
}

std::string format_footage_public_key(const labelled_footage_public_key& key) {
  return std::string(footage_public_magic) + " " + key.label + " " + key.key.to_hex() + "\n";
}

core::expected<labelled_footage_public_key> parse_footage_public_key(std::string_view line, std::string_view origin) {
  auto bad = [&](std::string_view what) {
    return core::fail(core::errc::malformed, "footage public key " + std::string(origin) + ": " + std::string(what));
  };
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (!line.starts_with(footage_public_magic) || line.size() <= footage_public_magic.size() ||
      line[footage_public_magic.size()] != ' ')
    return bad("does not start with '" + std::string(footage_public_magic) + " '");
  const std::string_view rest = line.substr(footage_public_magic.size() + 1);
  const auto space = rest.find(' ');
  if (space == std::string_view::npos) return bad("missing the label or the key");
  const std::string_view label = rest.substr(0, space);
  if (!is_valid_label(label)) return bad("invalid label '" + std::string(label) + "'");
  auto key = footage_public_key::parse(rest.substr(space + 1));
  if (!key) return bad(key.error().context);
  return labelled_footage_public_key{std::string(label), *key};
}

core::status write_footage_public_key(const std::filesystem::path& path, const labelled_footage_public_key& key) {
  const std::string line = format_footage_public_key(key);
  return core::write_file_durably(
      path, core::byte_view(reinterpret_cast<const std::uint8_t*>(line.data()), line.size()),
      {.mode = 0644, .create_only = true});
}

core::expected<labelled_footage_public_key> load_footage_public_key(const std::filesystem::path& path) {
  auto bytes = core::read_file(path, max_footage_key_file_bytes);
  if (!bytes) return std::unexpected(bytes.error());
  return parse_footage_public_key(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()),
                                  path.string());
}

}  // namespace bodycam::common::crypto
