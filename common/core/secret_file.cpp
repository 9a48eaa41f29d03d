// The secret-file gate (secret_file.hpp): open without following links, check the open file's mode, read.
#include "common/core/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace bodycam::common::core {

std::string secret_mode_problem(mode_t mode) {
  if (!S_ISREG(mode)) return "is not a regular file";
  if ((mode & 077) == 0) return {};
  char octal[8];
  std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode & 07777));
  const char* who = (mode & 070) != 0 && (mode & 07) != 0 ? "group and others"
                    : (mode & 070) != 0                   ? "the group"
                                                          : "others";
  return std::string("has mode ") + octal + ": " + who + " may read or change it";
}

expected<unique_fd> open_secret_file(const std::filesystem::path& path, std::string_view what) {
  const std::string name = std::string(what) + " " + path.string();
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
  if (!fd.is_open()) {
    if (errno == ELOOP) return fail(errc::permission, name + " is a symbolic link; give the file itself (mode 0600)");
    return fail_errno("open", name, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail_errno("stat", name, errno);
  if (const auto problem = secret_mode_problem(st.st_mode); !problem.empty())
    return fail(errc::permission, name + " " + problem + "; a secret must be mode 0600" +
                                      (S_ISREG(st.st_mode) ? ": run chmod 600 " + path.string() : std::string()));
  return fd;
}

expected<std::string> read_secret_file(const std::filesystem::path& path, std::string_view what,
                                       std::size_t max_bytes) {
  auto fd = open_secret_file(path, what);
  if (!fd) return std::unexpected(fd.error());
  std::string text(max_bytes + 1, '\0');
  std::size_t length = 0;
  while (length < text.size()) {
    const ssize_t n = ::read(fd->get(), text.data() + length, text.size() - length);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_errno("read", std::string(what) + " " + path.string(), errno);
    }
    if (n == 0) break;
    length += static_cast<std::size_t>(n);
  }
  if (length > max_bytes)
    return fail(errc::invalid_argument, "read " + std::string(what) + " " + path.string() + ": larger than " +
                                            std::to_string(max_bytes) + " bytes");
  text.resize(length);
  return text;
}

status check_secret_file(const std::filesystem::path& path, std::string_view what) {
  auto fd = open_secret_file(path, what);
  if (!fd) return std::unexpected(fd.error());
  return {};
}

}  // namespace bodycam::common::core
