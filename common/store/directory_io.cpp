#include "common/store/directory_io.hpp"

#include "common/core/hex.hpp"
#include "common/store/directory_backend.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <random>

namespace bodycam::common::store::detail {

std::string random_temp_name() {
  std::array<std::uint8_t, 8> bytes{};
  if (::getrandom(bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
    // getrandom cannot fail for 8 bytes once the pool is up; fall back rather than fail a put on it.
    std::random_device entropy;
    for (auto& b : bytes) b = static_cast<std::uint8_t>(entropy());
  }
  return std::string(temp_name_prefix) + core::to_hex(bytes);
}

std::unexpected<core::error> fail_at(std::string_view operation, const std::string& what, int err) {
  if (err == ELOOP || err == ENOTDIR)
    return core::fail(core::errc::corrupt, std::string(operation) + " " + what +
                                               ": a symbolic link or a file stands where the store has a "
                                               "folder or a file; the store follows no links");
  return core::fail_errno(operation, what, err);
}

core::unique_fd open_folder_at(int dirfd, const char* name) noexcept {
  return core::unique_fd(::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

core::status sync_fd(int fd, std::string_view operation, const std::string& what) {
  if (::fsync(fd) != 0) return core::fail_errno(operation, what, errno);
  return {};
}

core::status settle_access(int fd, gid_t store_group, mode_t mode, std::string_view operation,
                           const std::string& what) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return core::fail_errno(operation, what, errno);
  if (st.st_gid != store_group && ::fchown(fd, static_cast<uid_t>(-1), store_group) != 0)
    return core::fail_errno(std::string(operation) + " (give it the store's group " + std::to_string(store_group) + ")",
                            what, errno);
  if ((st.st_mode & 07777) != mode || st.st_gid != store_group) {
    if (::fchmod(fd, mode) != 0) return core::fail_errno(operation, what, errno);
    // The kernel drops a setgid bit that a process outside the group asks for, without an error.
    if (::fstat(fd, &st) != 0) return core::fail_errno(operation, what, errno);
    if ((st.st_mode & 07777) != mode)
      return core::fail(core::errc::permission,
                        std::string(operation) + " " + what + ": the setgid bit did not hold (this user is not in the "
                        "store's group " + std::to_string(store_group) + "); run the writer with umask 0007 so "
                        "that folders inherit it, or add the user to that group");
  }
  return {};
}

core::status for_each_dirent(int dirfd, const std::string& what,
                             const std::function<bool(std::string_view name, entry_type type)>& visit) {
  // fdopendir takes over the fd it is given; give it its own so the caller's stays open.
  core::unique_fd own(::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!own.is_open()) return core::fail_errno("open folder", what, errno);
  dir_ptr dir(::fdopendir(own.get()));
  if (!dir) return core::fail_errno("list folder", what, errno);
  own.release();
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return core::fail_errno("list folder", what, errno);
      return {};
    }
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    entry_type type = entry_type::other;
    if (entry->d_type == DT_REG) {
      type = entry_type::regular;
    } else if (entry->d_type == DT_DIR) {
      type = entry_type::folder;
    } else if (entry->d_type == DT_UNKNOWN) {
      struct stat st {};
      if (::fstatat(::dirfd(dir.get()), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        type = S_ISREG(st.st_mode) ? entry_type::regular : S_ISDIR(st.st_mode) ? entry_type::folder : entry_type::other;
    }
    if (!visit(name, type)) return {};
  }
}

}  // namespace bodycam::common::store::detail
