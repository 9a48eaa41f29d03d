#include "firmware/media/posix_segment_storage.hpp"

#include "common/core/durable_file.hpp"
#include "common/core/unique_fd.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>  // renameat2, RENAME_NOREPLACE (glibc, _GNU_SOURCE)

namespace bodycam::firmware::media {

namespace core = common::core;
namespace fs = std::filesystem;

namespace {
class posix_segment_file final : public segment_file {
 public:
  posix_segment_file(core::unique_fd fd, fs::path path) : fd_(std::move(fd)), path_(std::move(path)) {}

  core::status write(core::byte_view bytes) override {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return core::fail_errno("write segment", path_.filename().string(), errno);
      }
      done += static_cast<std::size_t>(n);
    }
    return {};
  }
  core::status datasync() override {
    if (::fdatasync(fd_.get()) != 0) return core::fail_errno("fdatasync segment", path_.filename().string(), errno);
    return {};
  }
  core::status sync() override {
    if (::fsync(fd_.get()) != 0) return core::fail_errno("fsync segment", path_.filename().string(), errno);
    return {};
  }
  core::status truncate(std::uint64_t length) override {
    if (::ftruncate(fd_.get(), static_cast<off_t>(length)) != 0)
      return core::fail_errno("truncate segment", path_.filename().string(), errno);
    if (::lseek(fd_.get(), static_cast<off_t>(length), SEEK_SET) < 0)
      return core::fail_errno("seek segment", path_.filename().string(), errno);
    return {};
  }
  const fs::path& path() const noexcept override { return path_; }

 private:
  core::unique_fd fd_;
  fs::path path_;
};
}  // namespace

core::expected<std::unique_ptr<segment_file>> posix_segment_storage::create(const fs::path& path) {
  core::unique_fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd.is_open()) return core::fail_errno("create segment", path.string(), errno);
  return std::make_unique<posix_segment_file>(std::move(fd), path);
}

core::status posix_segment_storage::rename_no_replace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return {};
  if (errno != EINVAL && errno != ENOSYS)
    return core::fail_errno("rename segment " + from.filename().string() + " to", to.filename().string(), errno);
  // The file system has no RENAME_NOREPLACE: link() refuses an existing target just the same.
  if (::link(from.c_str(), to.c_str()) != 0)
    return core::fail_errno("link segment " + from.filename().string() + " to", to.filename().string(), errno);
  if (::unlink(from.c_str()) != 0) return core::fail_errno("unlink segment", from.filename().string(), errno);
  return {};
}

core::status posix_segment_storage::sync_directory(const fs::path& directory) {
  return core::fsync_directory(directory);
}

core::status posix_segment_storage::check_writable(const fs::path& directory) {
  struct stat st {};
  if (::stat(directory.c_str(), &st) != 0) return core::fail_errno("output directory", directory.string(), errno);
  if (!S_ISDIR(st.st_mode)) return core::fail_errno("output directory", directory.string(), ENOTDIR);
  // Permission bits do not stop root, a read-only mount does: try what the writer will do.
  const fs::path probe = directory / (".bodycam-write-probe-" + std::to_string(::getpid()));
  core::unique_fd fd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.is_open()) return core::fail_errno("create file in output directory", directory.string(), errno);
  fd.reset();
  ::unlink(probe.c_str());
  return {};
}

}  // namespace bodycam::firmware::media
