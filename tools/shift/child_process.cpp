#include "tools/shift/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>
#include <utility>

extern char** environ;

namespace bodycam::tools::shift {

namespace core = common::core;

std::string exit_status::describe() const {
  if (code) return "exit " + std::to_string(*code);
  if (signal) return "killed by signal " + std::to_string(*signal);
  return "unknown end";
}

core::expected<child_process> child_process::start(const std::vector<std::string>& argv,
                                                   const std::filesystem::path& log) {
  if (argv.empty()) return core::fail(core::errc::invalid_argument, "start a program: no program given");
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return core::fail_errno("open log", log.string(), errno);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // The child gets a fresh signal mask and default dispositions whatever this process set up.
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attributes, &empty);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  ::close(log_fd);
  if (rc != 0) return core::fail_errno("start program", argv[0], rc);
  return child_process(pid, std::filesystem::path(argv[0]).filename().string());
}

child_process::child_process(child_process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), name_(std::move(other.name_)), ended_(other.ended_) {}

child_process& child_process::operator=(child_process&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && !ended_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = std::exchange(other.pid_, -1);
    name_ = std::move(other.name_);
    ended_ = other.ended_;
  }
  return *this;
}

child_process::~child_process() {
  if (pid_ > 0 && !ended_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::optional<exit_status> child_process::try_reap() {
  if (ended_) return ended_;
  if (pid_ <= 0) return std::nullopt;
  int raw = 0;
  const pid_t r = ::waitpid(pid_, &raw, WNOHANG);
  if (r != pid_) return std::nullopt;
  exit_status s;
  if (WIFEXITED(raw)) s.code = WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) s.signal = WTERMSIG(raw);
  ended_ = s;
  return ended_;
}

bool child_process::is_running() { return pid_ > 0 && !try_reap(); }

void child_process::send(int signal) const {
  if (pid_ > 0 && !ended_) ::kill(pid_, signal);
}

core::expected<exit_status> child_process::wait(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (auto s = try_reap()) return *s;
    if (std::chrono::steady_clock::now() >= deadline)
      return core::fail(core::errc::timeout, name_ + " (pid " + std::to_string(pid_) + ") still running after " +
                                                 std::to_string(limit.count()) + " ms");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

core::expected<exit_status> child_process::stop(std::chrono::milliseconds grace) {
  send(SIGTERM);
  if (auto s = wait(grace)) return s;
  send(SIGKILL);
  return wait(std::chrono::seconds(10));
}

core::expected<exit_status> run_to_end(const std::vector<std::string>& argv, const std::filesystem::path& log,
                                       std::chrono::milliseconds limit) {
  auto child = child_process::start(argv, log);
  if (!child) return std::unexpected(child.error());
  auto s = child->wait(limit);
  if (!s) {
    child->send(SIGKILL);
    return std::unexpected(s.error());
  }
  return s;
}

}  // namespace bodycam::tools::shift
