// The directory backend's adoption (store_backend.hpp invariant 9, directory_backend.hpp D9): a finished file
// on the store's own file system becomes an object by a create-only rename into its folder, so its bytes are
// written once and synced once. Nothing here copies, and nothing replaces an existing name.
#include "common/store/directory_backend.hpp"

#include "common/store/directory_io.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>  // renameat2, RENAME_NOREPLACE

namespace bodycam::common::store {

namespace {

// Moves `from_dir`/`from` to `to_dir`/`to` iff `to` is absent. Returns 0 or the errno of the refusal
// (EEXIST when the name is taken, EXDEV across file systems).
int move_no_replace(int from_dir, const char* from, int to_dir, const char* to) noexcept {
  if (::renameat2(from_dir, from, to_dir, to, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  // A file system without RENAME_NOREPLACE: link() refuses an existing name just the same.
  if (::linkat(from_dir, from, to_dir, to, 0) != 0) return errno;
  ::unlinkat(from_dir, from, 0);  // a leftover second name is the spool's, never the store's
  return 0;
}

}  // namespace

core::expected<std::optional<create_outcome>> directory_backend::adopt(const store_key& key,
                                                                       const adoptable_file& file) {
  const std::string what = name_of(key);
  const std::string from = file.path.string();
  using result = std::optional<create_outcome>;
  core::unique_fd fd(::open(file.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.is_open()) return core::fail_errno("open file to adopt as", what + " (" + from + ")", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return core::fail_errno("stat file to adopt as", what + " (" + from + ")", errno);
  if (!S_ISREG(st.st_mode))
    return core::fail(core::errc::invalid_argument, "adopt " + from + " as " + what + ": not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) != file.size)
    return core::fail(core::errc::corrupt, "adopt " + from + " as " + what + ": it holds " +
                                               std::to_string(st.st_size) + " bytes, its writer declared " +
                                               std::to_string(file.size) + "; nothing stored");
  struct stat root_st {};
  if (::fstat(root_fd_.get(), &root_st) != 0) return core::fail_errno("stat", root_.string(), errno);
  if (st.st_dev != root_st.st_dev) return result{};  // D9: another file system; the caller creates instead

  auto lock = lock_store(LOCK_SH);  // D4: recover() does not run while an adoption is under way
  if (!lock) return std::unexpected(lock.error());
  auto parent = open_folder(key.parent(), &key);
  if (!parent) return std::unexpected(parent.error());
  const int dirfd = parent->get();
  const std::string leaf(key.leaf());
  struct stat existing {};
  if (::fstatat(dirfd, leaf.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
    if (!S_ISREG(existing.st_mode)) return core::fail(core::errc::corrupt, "adopt " + what + ": not a regular file");
    if (auto ok = detail::sync_fd(dirfd, "fsync folder of", what); !ok) return std::unexpected(ok.error());  // D2
    return result{create_outcome::already_exists};
  }
  if (errno != ENOENT) return detail::fail_at("stat", what, errno);

  // D6 and the one sync of the bytes: the file is read-only, in the store's group and on stable storage before
  // it has the key's name. A process that may not give the store's group copies instead (the copy inherits it).
  if (auto ok = detail::settle_access(fd.get(), group_, stored_file_mode, "set access of file to adopt as", what);
      !ok) {
    if (st.st_gid != group_ && ok.error().code == core::errc::permission) return result{};
    return std::unexpected(ok.error());
  }
  if (const int e = injected(write_step::sync_file, key); e != 0) return core::fail_errno("fsync", what, e);
  if (::fsync(fd.get()) != 0) return core::fail_errno("fsync", what + " (" + from + ")", errno);

  const auto from_dir_path = file.path.has_parent_path() ? file.path.parent_path() : std::filesystem::path(".");
  core::unique_fd from_dir(::open(from_dir_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!from_dir.is_open()) return core::fail_errno("open folder", from_dir_path.string(), errno);
  const std::string from_name = file.path.filename().string();
  int moved = injected(write_step::link, key);
  if (moved == 0) moved = move_no_replace(from_dir.get(), from_name.c_str(), dirfd, leaf.c_str());
  if (moved == EXDEV) return result{};  // a mount point between the two: the caller creates instead
  if (moved == EEXIST) {
    if (auto ok = detail::sync_fd(dirfd, "fsync folder of", what); !ok) return std::unexpected(ok.error());  // D2
    return result{create_outcome::already_exists};
  }
  if (moved != 0) return core::fail_errno("move " + from + " into place as", what, moved);
  // The name now holds what we checked: the same inode we sized and synced (nothing swapped the spool name).
  struct stat placed {};
  if (::fstatat(dirfd, leaf.c_str(), &placed, AT_SYMLINK_NOFOLLOW) != 0) return detail::fail_at("stat", what, errno);
  if (placed.st_ino != st.st_ino || placed.st_dev != st.st_dev)
    return core::fail(core::errc::corrupt, "adopt " + from + " as " + what +
                                               ": the file moved into place is not the one that was checked");
  if (const int e = injected(write_step::sync_directory, key); e != 0)
    return core::fail_errno("fsync folder of", what, e);
  if (auto ok = detail::sync_fd(dirfd, "fsync folder of", what); !ok) return std::unexpected(ok.error());
  return result{create_outcome::created};
}

}  // namespace bodycam::common::store
