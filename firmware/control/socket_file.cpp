#include "firmware/control/socket_file.hpp"

#include "common/core/unix_socket_address.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bodycam::firmware::control {

namespace core = common::core;

common::core::expected<core::unique_fd> claim_socket_path(const std::string& socket_path) {
  const std::string lock_path = socket_path + ".lock";
  core::unique_fd fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0660));
  if (!fd.is_open()) return core::fail_errno("open control socket lock", lock_path, errno);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return core::fail(core::errc::conflict,
                        "control socket " + socket_path + ": another recorder holds " + lock_path);
    return core::fail_errno("lock", lock_path, errno);
  }
  return fd;
}

common::core::status remove_stale_socket(const std::string& socket_path) {
  // Refused before anything else: a path no address can reach (common/core/unix_socket_address.hpp).
  auto resolved = core::unix_socket_address::resolve(socket_path);
  if (!resolved) return std::unexpected(resolved.error());
  struct stat st {};
  if (::lstat(socket_path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return core::fail_errno("stat control socket", socket_path, errno);
  }
  if (!S_ISSOCK(st.st_mode))
    return core::fail(core::errc::already_exists, "control socket " + socket_path +
                                                      ": a file that is not a socket is in the way; not replacing it");

  // 1. Probe without blocking: only ECONNREFUSED proves that nothing listens.
  core::unique_fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!probe.is_open()) return core::fail_errno("create probe socket for", socket_path, errno);
  const sockaddr_un address = resolved->to_sockaddr();
  int result = 0;
  do {
    result = ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
  } while (result != 0 && errno == EINTR);
  if (result == 0 || errno == EAGAIN || errno == EINPROGRESS)
    return core::fail(core::errc::conflict, "control socket " + socket_path + ": another process is listening on it");
  if (errno == ENOENT) return {};  // removed meanwhile
  if (errno != ECONNREFUSED) return core::fail_errno("probe control socket", socket_path, errno);
  if (::unlink(socket_path.c_str()) != 0 && errno != ENOENT)
    return core::fail_errno("remove stale control socket", socket_path, errno);
  return {};
}

common::core::expected<file_identity> identify_file(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return core::fail_errno("stat", path, errno);
  return file_identity{st.st_dev, st.st_ino};
}

common::core::status remove_socket_if_same(const std::string& path, file_identity identity) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return core::fail_errno("stat control socket", path, errno);
  }
  // 3. Someone else's file now; theirs to remove.
  if (st.st_dev != identity.device || st.st_ino != identity.inode) return {};
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return core::fail_errno("remove control socket", path, errno);
  return {};
}

}  // namespace bodycam::firmware::control
