// A daemon under test: started in the background (stdout/stderr to files), stopped with a signal, waited
// for with a bound. And a client for line-JSON Unix-domain control sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace bodycam::tests {

class background_process {
 public:
  background_process(const std::vector<std::string>& argv, const std::string& log_prefix);
  ~background_process();  // SIGKILLs and reaps the process if it is still running
  background_process(const background_process&) = delete;
  background_process& operator=(const background_process&) = delete;

  [[nodiscard]] int pid() const noexcept { return pid_; }
  void signal(int sig) const;
  // Waits up to `timeout` for the exit; returns the exit code, 128+signal if killed, -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  [[nodiscard]] std::string log() const;  // what it wrote to stderr so far

 private:
  int pid_ = -1;
  bool reaped_ = false;
  std::string err_path_;
};

// Sends one request line and returns the response line (without '\n'); "" if the socket is not there or
// nothing came back within the timeout.
[[nodiscard]] std::string control_request(const std::string& socket_path, const std::string& line,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(30));
// Polls until the socket answers a status request.
[[nodiscard]] bool wait_for_socket(const std::string& socket_path, std::chrono::milliseconds timeout);

// The port a starting bodycam-dockd serves its status page on, read from its log line "status
// http://127.0.0.1:PORT/"; 0 if it did not say so within `limit`.
[[nodiscard]] std::uint16_t wait_for_status_port(const background_process& dockd, std::chrono::seconds limit);

// One HTTP/1.1 GET on 127.0.0.1:port (5 s bound on each send and receive): the response body if the server
// answered 200, "" otherwise (not listening, no answer, another status).
[[nodiscard]] std::string http_get(std::uint16_t port, const std::string& target);

}  // namespace bodycam::tests
