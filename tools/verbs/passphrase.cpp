#include "tools/verbs/passphrase.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/secret_file.hpp"
#include "common/core/unique_fd.hpp"
#include "common/crypto/ed25519.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

namespace {

// Reads up to max_passphrase_bytes from fd into guarded memory; the last '\n' (and a '\r' before it) dropped.
core::expected<enrollment::secret_bytes> read_into_guarded(int fd, const std::string& what, bool stop_at_newline) {
  enrollment::secret_bytes out(max_passphrase_bytes + 1);
  if (!out.is_allocated()) return core::fail(core::errc::internal, "allocate guarded memory for a passphrase");
  std::size_t length = 0;
  for (;;) {
    const ssize_t n = ::read(fd, out.data() + length, stop_at_newline ? 1 : out.capacity() - length);
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail_errno("read passphrase from", what, errno);
    }
    if (n == 0) break;
    length += static_cast<std::size_t>(n);
    if (stop_at_newline && out.data()[length - 1] == '\n') break;
    if (length > max_passphrase_bytes)
      return core::fail(core::errc::invalid_argument, "passphrase from " + what + ": longer than 1024 bytes");
  }
  if (length > 0 && out.data()[length - 1] == '\n') --length;
  if (length > 0 && out.data()[length - 1] == '\r') --length;
  out.resize(length);
  if (length == 0) return core::fail(core::errc::invalid_argument, "passphrase from " + what + ": empty");
  return out;
}

}  // namespace

core::expected<enrollment::secret_bytes> read_passphrase_file(const std::filesystem::path& path) {
  auto fd = core::open_secret_file(path, "passphrase file");
  if (!fd) return std::unexpected(fd.error());
  return read_into_guarded(fd->get(), "passphrase file " + path.string(), false);
}

core::expected<enrollment::secret_bytes> read_passphrase_tty(const std::string& prompt, bool confirm) {
  core::unique_fd tty(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY));
  if (!tty.is_open())
    return core::fail(core::errc::invalid_argument,
                      "no terminal to ask for the passphrase on; give --passphrase-file FILE (mode 0600)");
  struct termios saved {};
  if (::tcgetattr(tty.get(), &saved) != 0) return core::fail_errno("read terminal settings of", "/dev/tty", errno);
  auto ask = [&](const std::string& text) -> core::expected<enrollment::secret_bytes> {
    (void)!::write(tty.get(), text.data(), text.size());
    struct termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    if (::tcsetattr(tty.get(), TCSAFLUSH, &quiet) != 0) return core::fail_errno("turn off echo on", "/dev/tty", errno);
    auto read = read_into_guarded(tty.get(), "the terminal", true);
    ::tcsetattr(tty.get(), TCSAFLUSH, &saved);
    (void)!::write(tty.get(), "\n", 1);
    return read;
  };
  auto first = ask(prompt);
  if (!first || !confirm) return first;
  auto second = ask("Repeat the passphrase: ");
  if (!second) return std::unexpected(second.error());
  if (first->size() != second->size() || !crypto::equal_constant_time(first->view(), second->view()))
    return core::fail(core::errc::invalid_argument, "the two passphrases differ; nothing written");
  return first;
}

core::expected<enrollment::secret_bytes> get_passphrase(const std::string& passphrase_file, bool confirm) {
  if (!passphrase_file.empty()) return read_passphrase_file(passphrase_file);
  return read_passphrase_tty("Passphrase of the agency root key: ", confirm);
}

core::expected<crypto::labelled_secret_key> open_root_key(const std::filesystem::path& sealed_file,
                                                          const std::string& passphrase_file) {
  auto text = core::read_secret_file(sealed_file, "sealed root key", enrollment::max_sealed_key_bytes);
  if (!text) return std::unexpected(text.error());
  const core::byte_buffer bytes(text->begin(), text->end());
  auto passphrase = get_passphrase(passphrase_file, false);
  if (!passphrase) return std::unexpected(passphrase.error());
  auto key = enrollment::open_sealed_key(bytes, passphrase->view());
  if (!key) return core::wrap(sealed_file.string(), key.error());
  return key;
}

}  // namespace bodycam::tools::verbs
