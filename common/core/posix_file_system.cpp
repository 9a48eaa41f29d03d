// The POSIX file_system: one system call per port operation, errors naming the operation and the path.
#include "common/core/posix_file_system.hpp"

#include "common/core/unique_fd.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>  // renameat2, RENAME_NOREPLACE (glibc, _GNU_SOURCE)

namespace bodycam::common::core {

namespace fs = std::filesystem;

namespace {

class posix_file final : public file {
 public:
  posix_file(unique_fd fd, fs::path path) : fd_(std::move(fd)), path_(std::move(path)) {}

  status write(byte_view bytes) override {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail_errno("write", path_.string(), errno);
      }
      done += static_cast<std::size_t>(n);
    }
    return {};
  }
  status write_at(std::uint64_t offset, byte_view bytes) override {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n =
          ::pwrite(fd_.get(), bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail_errno("write", path_.string(), errno);
      }
      done += static_cast<std::size_t>(n);
    }
    return {};
  }
  expected<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::pread(fd_.get(), out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail_errno("read", path_.string(), errno);
      }
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    return done;
  }
  status truncate(std::uint64_t length) override {
    if (::ftruncate(fd_.get(), static_cast<off_t>(length)) != 0) return fail_errno("truncate", path_.string(), errno);
    if (::lseek(fd_.get(), static_cast<off_t>(length), SEEK_SET) < 0)
      return fail_errno("seek", path_.string(), errno);
    return {};
  }
  expected<std::uint64_t> size() override {
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0) return fail_errno("stat", path_.string(), errno);
    return static_cast<std::uint64_t>(st.st_size);
  }
  status datasync() override {
    if (::fdatasync(fd_.get()) != 0) return fail_errno("fdatasync", path_.string(), errno);
    return {};
  }
  status sync() override {
    if (::fsync(fd_.get()) != 0) return fail_errno("fsync", path_.string(), errno);
    return {};
  }
  const fs::path& path() const noexcept override { return path_; }

 private:
  unique_fd fd_;
  fs::path path_;
};

}  // namespace

expected<std::unique_ptr<file>> posix_file_system::open(const fs::path& path, open_mode how, mode_t mode, bool exact_mode) {
  int flags = O_CLOEXEC;
  switch (how) {
    case open_mode::create_new: flags |= O_RDWR | O_CREAT | O_EXCL; break;
    case open_mode::read_write: flags |= O_RDWR | O_CREAT; break;
    case open_mode::read_only: flags |= O_RDONLY; break;
  }
  unique_fd fd(::open(path.c_str(), flags, mode));
  if (!fd.is_open()) return fail_errno(how == open_mode::create_new ? "create" : "open", path.string(), errno);
  // The mode given to open() is filtered by the umask; set it exactly when asked (0600 secrets stay 0600).
  if (exact_mode && how == open_mode::create_new && ::fchmod(fd.get(), mode) != 0) return fail_errno("chmod", path.string(), errno);
  return std::make_unique<posix_file>(std::move(fd), path);
}

status posix_file_system::rename(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return fail_errno("rename " + from.string() + " to", to.string(), errno);
  return {};
}

status posix_file_system::rename_no_replace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return {};
  if (errno != EINVAL && errno != ENOSYS)
    return fail_errno("rename " + from.string() + " to", to.string(), errno);
  // The file system has no RENAME_NOREPLACE: link() refuses an existing target just the same.
  if (::link(from.c_str(), to.c_str()) != 0) return fail_errno("link " + from.string() + " to", to.string(), errno);
  if (::unlink(from.c_str()) != 0) return fail_errno("unlink", from.string(), errno);
  return {};
}

status posix_file_system::unlink(const fs::path& path) {
  if (::unlink(path.c_str()) != 0) return fail_errno("unlink", path.string(), errno);
  return {};
}

status posix_file_system::sync_directory(const fs::path& directory) {
  const fs::path dir = directory.empty() ? fs::path(".") : directory;
  unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.is_open()) return fail_errno("open directory", dir.string(), errno);
  if (::fsync(fd.get()) != 0) return fail_errno("fsync directory", dir.string(), errno);
  return {};
}

expected<bool> posix_file_system::exists(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return fail_errno("stat", path.string(), errno);
}

}  // namespace bodycam::common::core
