// The control socket's file on disk: claiming its path, telling a stale file (left by a crash) from a live
// listener, and removing only the file this process created.
// Invariants:
//  1. Only a socket file that refuses connections (ECONNREFUSED: nothing listens) is ever replaced; a live
//     listener, a full backlog, a permission error or a file that is not a socket leave the path untouched.
//  2. Two recorders starting at once cannot both replace the socket: the path is claimed first by an exclusive
//     flock on "<socket>.lock", held as long as the server lives (the lock file itself stays, as lock files
//     must, for the next start).
//  3. remove_socket_if_same unlinks only the inode recorded at bind; a file another process has since put at
//     the path is left alone.
#pragma once

#include "common/core/error.hpp"
#include "common/core/unique_fd.hpp"

#include <sys/types.h>

#include <string>

namespace bodycam::firmware::control {

struct file_identity {
  dev_t device = 0;
  ino_t inode = 0;
};

// Takes the exclusive lock on "<socket_path>.lock" (created 0660 if absent); errc::conflict if another
// process holds it.
[[nodiscard]] common::core::expected<common::core::unique_fd> claim_socket_path(const std::string& socket_path);

// Succeeds when the path is free: absent, or a stale socket file that this call removed (invariant 1).
[[nodiscard]] common::core::status remove_stale_socket(const std::string& socket_path);

[[nodiscard]] common::core::expected<file_identity> identify_file(const std::string& path);

// Unlinks `path` if it is still the file `identity` names; success also when it is gone or was replaced.
[[nodiscard]] common::core::status remove_socket_if_same(const std::string& path, file_identity identity);

}  // namespace bodycam::firmware::control
