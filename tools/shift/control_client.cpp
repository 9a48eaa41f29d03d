#include "tools/shift/control_client.hpp"

#include "common/core/unique_fd.hpp"
#include "common/core/unix_socket_address.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace bodycam::tools::shift {

namespace core = common::core;

namespace {

core::status write_line(int fd, const std::string& line, const std::string& socket_path) {
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::send(fd, line.data() + done, line.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail_errno("write to control socket", socket_path, errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

core::expected<std::string> read_line(int fd, const std::string& socket_path, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string response;
  char buffer[4096];
  while (response.find('\n') == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return core::fail(core::errc::timeout, "control socket " + socket_path + ": no answer within " +
                                                 std::to_string(limit.count()) + " ms");
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) return core::fail_errno("poll control socket", socket_path, errno);
    if (ready <= 0) continue;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return core::fail_errno("read control socket", socket_path, errno);
    if (n == 0) return core::fail(core::errc::closed, "control socket " + socket_path + ": closed before answering");
    response.append(buffer, static_cast<std::size_t>(n));
  }
  return response.substr(0, response.find('\n'));
}

}  // namespace

core::expected<nlohmann::json> control_request(const std::string& socket_path, const nlohmann::json& request,
                                               std::chrono::milliseconds limit) {
  core::unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.is_open()) return core::fail_errno("create socket for", socket_path, errno);
  // A socket under a deep --out is reached through its folder (common/core/unix_socket_address.hpp).
  auto resolved = core::unix_socket_address::resolve(socket_path);
  if (!resolved) return core::wrap("connect to control socket", resolved.error());
  const sockaddr_un address = resolved->to_sockaddr();
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    return core::fail(core::errc::closed, "connect to control socket " + socket_path + ": " + std::strerror(errno));
  if (auto ok = write_line(fd.get(), request.dump() + "\n", socket_path); !ok) return std::unexpected(ok.error());
  auto line = read_line(fd.get(), socket_path, limit);
  if (!line) return std::unexpected(line.error());
  auto response = nlohmann::json::parse(*line, nullptr, false);
  if (response.is_discarded() || !response.is_object())
    return core::fail(core::errc::malformed, "control socket " + socket_path + ": answer is not a JSON object: " + *line);
  if (!response.value("ok", false)) {
    std::string message = *line;
    if (response.contains("error") && response["error"].is_object())
      message = response["error"].value("message", *line);
    return core::fail(core::errc::conflict, "control socket " + socket_path + ": " + request.value("cmd", "?") +
                                                " refused: " + message);
  }
  return response;
}

core::expected<nlohmann::json> wait_for_control(const std::string& socket_path, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto answer = control_request(socket_path, {{"cmd", "status"}}, std::chrono::seconds(2));
    if (answer || std::chrono::steady_clock::now() >= deadline) return answer;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

core::expected<nlohmann::json> await_state(const std::string& socket_path, const std::string& state,
                                           std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto answer = control_request(socket_path, {{"cmd", "status"}}, std::chrono::seconds(10));
    if (!answer) return answer;
    const std::string now = answer->value("state", std::string("?"));
    if (now == state) return answer;
    if (std::chrono::steady_clock::now() > deadline)
      return core::fail(core::errc::timeout, socket_path + ": still '" + now + "' after waiting for '" + state + "'");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace bodycam::tools::shift
