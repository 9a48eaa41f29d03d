#include "common/core/unix_socket_address.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace bodycam::common::core {

expected<unix_socket_address> unix_socket_address::resolve(const std::string& path) {
  if (path.empty()) return fail(errc::invalid_argument, "Unix socket path is empty");
  unix_socket_address a;
  a.path_ = path;
  if (path.size() <= max_sun_path_bytes) {  // 1
    a.address_ = path;
    return a;
  }
  const auto slash = path.find_last_of('/');
  const std::string folder = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty()) return fail(errc::invalid_argument, "Unix socket path " + path + " ends in '/': no socket name");
  a.folder_ = unique_fd(::open(folder.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!a.folder_.is_open()) return fail_errno("open the folder of Unix socket", path, errno);
  a.address_ = "/proc/self/fd/" + std::to_string(a.folder_.get()) + "/" + name;
  if (a.address_.size() > max_sun_path_bytes)  // 3
    return fail(errc::invalid_argument, "Unix socket " + path + ": its name '" + name + "' is too long (at most " +
                                            std::to_string(max_sun_path_bytes - (a.address_.size() - name.size())) +
                                            " bytes)");
  return a;
}

sockaddr_un unix_socket_address::to_sockaddr() const noexcept {
  sockaddr_un s{};
  s.sun_family = AF_UNIX;
  std::memcpy(s.sun_path, address_.data(), address_.size());
  return s;
}

}  // namespace bodycam::common::core
