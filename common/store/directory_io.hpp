// Internal to the directory backend: the few POSIX steps it repeats, with their handles in RAII and their
// errors worded the store's way. Not part of the store's API.
#pragma once

#include "common/core/error.hpp"
#include "common/core/unique_fd.hpp"

#include <dirent.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace bodycam::common::store::detail {

struct dir_closer {
  void operator()(DIR* dir) const noexcept { ::closedir(dir); }
};
using dir_ptr = std::unique_ptr<DIR, dir_closer>;

enum class entry_type { regular, folder, other };

// ".tmp-" followed by 16 random lower-case hex digits.
[[nodiscard]] std::string random_temp_name();

// Like core::fail_errno, but a symlink or a file met where a folder should be (ELOOP, ENOTDIR) is reported as
// errc::corrupt with an explanation: the store follows no links.
[[nodiscard]] std::unexpected<core::error> fail_at(std::string_view operation, const std::string& what, int err);

// openat(dirfd, name) as a folder, never following a symlink; errno is left set on failure.
[[nodiscard]] core::unique_fd open_folder_at(int dirfd, const char* name) noexcept;

[[nodiscard]] core::status sync_fd(int fd, std::string_view operation, const std::string& what);

// D6: gives the file or folder open at `fd` the store's group (fchown, only if it differs) and exactly `mode`
// (fchmod, only if it differs), whatever the umask. Fails with the errno of the refused call (EPERM when the
// process may not give the store's group), and with errc::permission when the kernel dropped a setgid bit the
// process may not set (it is not in the group): the mode is checked again after the fchmod.
[[nodiscard]] core::status settle_access(int fd, gid_t store_group, mode_t mode, std::string_view operation,
                                         const std::string& what);

// Calls `visit` for every entry of the folder open at `dirfd` except "." and ".."; stops when it returns
// false. The type comes from d_type, or from fstatat (never following links) when d_type is unknown.
[[nodiscard]] core::status for_each_dirent(int dirfd, const std::string& what,
                                           const std::function<bool(std::string_view name, entry_type type)>& visit);

}  // namespace bodycam::common::store::detail
