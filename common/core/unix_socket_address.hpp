// The address of a Unix stream socket at any path. sockaddr_un.sun_path holds at most 107 bytes and a NUL, so
// a socket under a deep folder (a long clone path, a deep --out) could not be bound or reached by its path.
// A longer path is reached through its folder, opened O_PATH, as "/proc/self/fd/<n>/<name>": a short name
// that the kernel resolves to the same file for bind() and connect().
// Guarantees:
//  1. A path of at most 107 bytes is used as it is; nothing is opened.
//  2. For a longer path the folder descriptor is held as long as the object lives, so the short name stays
//     valid for every bind/connect made through it; the file the socket creates is the one at `path()`.
//  3. A socket name (the last component) too long even for the short form, or a folder that cannot be opened,
//     is an error naming the path; never a silently truncated address.
#pragma once

#include "common/core/error.hpp"
#include "common/core/unique_fd.hpp"

#include <sys/un.h>

#include <string>

namespace bodycam::common::core {

inline constexpr std::size_t max_sun_path_bytes = sizeof(sockaddr_un{}.sun_path) - 1;  // 107 on Linux

class unix_socket_address {
 public:
  [[nodiscard]] static expected<unix_socket_address> resolve(const std::string& path);

  // The real path of the socket file (what to stat, unlink or show to people).
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  // What bind() and connect() take: the path itself, or the /proc/self/fd form (invariant 2).
  [[nodiscard]] const std::string& address() const noexcept { return address_; }
  [[nodiscard]] sockaddr_un to_sockaddr() const noexcept;

 private:
  std::string path_;
  std::string address_;
  unique_fd folder_;
};

}  // namespace bodycam::common::core
