// Test helpers for real Unix sockets: a blocking line client whose every wait is
// capped (10 s), so a server that never answers fails the test instead of hanging it. A capped wait is
// reported as its own outcome (timed_out), never confused with the server closing the connection.
#pragma once

#include "common/core/unique_fd.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace bodycam::tests {

enum class read_outcome { line, closed, timed_out };

struct read_result {
  read_outcome outcome;
  std::string line;  // without '\n', when outcome is line
};

class socket_client {
 public:
  // Connects to `path`; REQUIREs success.
  explicit socket_client(const std::filesystem::path& path);
  [[nodiscard]] static bool can_connect(const std::filesystem::path& path);

  void send(std::string_view bytes);
  void shutdown_write();
  [[nodiscard]] read_result read_line();
  // send(line + "\n") then read_line(), REQUIRE-ing a line.
  [[nodiscard]] std::string request(std::string_view line);

 private:
  common::core::unique_fd fd_;
  std::string pending_;
};

// A socket file at `path` with no listener behind it, as a crashed process leaves it.
void make_stale_socket(const std::filesystem::path& path);

}  // namespace bodycam::tests
