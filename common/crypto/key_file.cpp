#include "common/crypto/key_file.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/secret_file.hpp"
#include "common/core/unique_fd.hpp"
#include "common/crypto/sodium_init.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace bodycam::common::crypto {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view secret_magic = "bodycam-secret-key-v1";
constexpr std::string_view public_magic = "bodycam-public-key-v1";
constexpr std::size_t max_key_file_bytes = 512;

// A sodium_malloc'ed scratch buffer for reading secret files; freed (and zeroed) on scope exit.
struct guarded_buffer {
  explicit guarded_buffer(std::size_t n) : data(static_cast<char*>(sodium_malloc(n))), size(n) {}
  ~guarded_buffer() {
    if (data != nullptr) sodium_free(data);
  }
  guarded_buffer(const guarded_buffer&) = delete;
  guarded_buffer& operator=(const guarded_buffer&) = delete;
  char* data;
  std::size_t size;
};

std::unexpected<core::error> malformed(const fs::path& path, std::string_view what) {
  return core::fail(core::errc::malformed, "key file " + path.string() + ": " + std::string(what));
}

}  // namespace

bool is_valid_label(std::string_view label) noexcept {
  if (label.empty() || label.size() > 64 || label.front() == '.') return false;
  for (char c : label) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string format_public_key_line(const labelled_public_key& key) {
  return std::string(public_magic) + " " + key.label + " " + key.key.to_hex() + "\n";
}

core::status write_public_key(const fs::path& path, const labelled_public_key& key) {
  const std::string line = format_public_key_line(key);
  return core::write_file_durably(path, core::byte_view(reinterpret_cast<const std::uint8_t*>(line.data()), line.size()),
                                  {.mode = 0644, .create_only = true});
}

core::status write_key_pair(const fs::path& stem, std::string_view label, const secret_key& key) {
  if (!is_valid_label(label))
    return core::fail(core::errc::invalid_argument,
                      "key label '" + std::string(label) + "': use 1-64 characters of A-Z a-z 0-9 . _ -");
  const fs::path secret_path = fs::path(stem.string() + ".key");
  const fs::path public_path = fs::path(stem.string() + ".pub");
  if (::access(secret_path.c_str(), F_OK) == 0 || ::access(public_path.c_str(), F_OK) == 0)
    return core::fail(core::errc::already_exists,
                      "write key pair " + stem.string() + ": " + secret_path.string() + " or " +
                          public_path.string() + " already exists; refusing to overwrite a key");

  // "<magic> <label> <hex>\n" assembled in guarded memory.
  const std::size_t length = secret_magic.size() + 1 + label.size() + 1 + 2 * secret_key::seed_size + 1;
  guarded_buffer line(length + 1);
  if (line.data == nullptr) return core::fail(core::errc::internal, "allocate guarded memory for a key file");
  std::size_t at = 0;
  auto put = [&](std::string_view text) {
    std::copy(text.begin(), text.end(), line.data + at);
    at += text.size();
  };
  put(secret_magic);
  put(" ");
  put(label);
  put(" ");
  sodium_bin2hex(line.data + at, 2 * secret_key::seed_size + 1, key.seed().data(), key.seed().size());
  at += 2 * secret_key::seed_size;
  put("\n");
  const auto bytes = core::byte_view(reinterpret_cast<const std::uint8_t*>(line.data), at);
  if (auto ok = core::write_file_durably(secret_path, bytes, {.mode = 0600, .create_only = true}); !ok) return ok;
  return write_public_key(public_path, {std::string(label), key.public_key()});
}

core::expected<labelled_secret_key> load_secret_key(const fs::path& path) {
  ensure_sodium_initialized();
  auto opened = core::open_secret_file(path, "secret key file");
  if (!opened) return std::unexpected(opened.error());
  const core::unique_fd fd = std::move(*opened);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return core::fail_errno("stat secret key file", path.string(), errno);
  if (static_cast<std::size_t>(st.st_size) > max_key_file_bytes) return malformed(path, "too large for a key file");

  guarded_buffer text(max_key_file_bytes + 1);
  if (text.data == nullptr) return core::fail(core::errc::internal, "allocate guarded memory for a key file");
  std::size_t length = 0;
  for (;;) {
    const ssize_t n = ::read(fd.get(), text.data + length, max_key_file_bytes - length);
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail_errno("read secret key file", path.string(), errno);
    }
    if (n == 0) break;
    length += static_cast<std::size_t>(n);
    if (length == max_key_file_bytes) break;
  }
  const std::string_view content(text.data, length);
  if (!content.starts_with(secret_magic) || content.size() <= secret_magic.size() ||
      content[secret_magic.size()] != ' ')
    return malformed(path, "does not start with '" + std::string(secret_magic) + " '");
  const std::string_view rest = content.substr(secret_magic.size() + 1);
  const auto space = rest.find(' ');
  if (space == std::string_view::npos) return malformed(path, "missing the label or the key");
  const std::string_view label = rest.substr(0, space);
  if (!is_valid_label(label)) return malformed(path, "invalid label '" + std::string(label) + "'");
  std::string_view hex = rest.substr(space + 1);
  if (hex.ends_with('\n')) hex.remove_suffix(1);
  if (hex.size() != 2 * secret_key::seed_size) return malformed(path, "the key is not 64 hex digits");

  guarded_buffer seed(secret_key::seed_size);
  if (seed.data == nullptr) return core::fail(core::errc::internal, "allocate guarded memory for a key file");
  std::size_t seed_length = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(seed.data), seed.size, hex.data(), hex.size(), nullptr,
                     &seed_length, nullptr) != 0 ||
      seed_length != secret_key::seed_size)
    return malformed(path, "the key is not 64 hex digits");
  auto key = secret_key::from_seed(core::byte_view(reinterpret_cast<const std::uint8_t*>(seed.data), seed.size));
  if (!key) return core::wrap("load secret key " + path.string(), key.error());
  return labelled_secret_key{std::string(label), std::move(*key)};
}

core::expected<labelled_public_key> parse_public_key_line(std::string_view line, std::string_view origin) {
  auto bad = [&](std::string_view what) {
    return core::fail(core::errc::malformed, "public key " + std::string(origin) + ": " + std::string(what));
  };
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (!line.starts_with(public_magic) || line.size() <= public_magic.size() || line[public_magic.size()] != ' ')
    return bad("does not start with '" + std::string(public_magic) + " '");
  const std::string_view rest = line.substr(public_magic.size() + 1);
  const auto space = rest.find(' ');
  if (space == std::string_view::npos) return bad("missing the label or the key");
  const std::string_view label = rest.substr(0, space);
  if (!is_valid_label(label)) return bad("invalid label '" + std::string(label) + "'");
  auto key = public_key::parse(rest.substr(space + 1));
  if (!key) return bad(key.error().context);
  return labelled_public_key{std::string(label), *key};
}

core::expected<labelled_public_key> load_public_key(const fs::path& path) {
  auto bytes = core::read_file(path, max_key_file_bytes);
  if (!bytes) return std::unexpected(bytes.error());
  return parse_public_key_line(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()),
                               path.string());
}

}  // namespace bodycam::common::crypto
