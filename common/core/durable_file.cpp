#include "common/core/durable_file.hpp"

#include "common/core/unique_fd.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <random>

namespace bodycam::common::core {

namespace fs = std::filesystem;

status write_all(int fd, byte_view bytes, const fs::path& what) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_errno("write", what.string(), errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

status fsync_directory(const fs::path& directory) {
  const fs::path dir = directory.empty() ? fs::path(".") : directory;
  unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.is_open()) return fail_errno("open directory", dir.string(), errno);
  if (::fsync(fd.get()) != 0) return fail_errno("fsync directory", dir.string(), errno);
  return {};
}

status write_file_durably(const fs::path& path, byte_view bytes, write_options options) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (options.create_only && ::access(path.c_str(), F_OK) == 0)
    return fail(errc::already_exists, "create " + path.string() + ": already exists");

  std::random_device entropy;
  const fs::path temp = dir / (path.filename().string() + ".tmp." + std::to_string(entropy()));
  unique_fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, options.mode));
  if (!fd.is_open()) return fail_errno("create", temp.string(), errno);
  auto cleanup_on_error = [&](std::unexpected<error> e) {
    ::unlink(temp.c_str());
    return e;
  };
  // The mode given to open() is filtered by the umask; set it exactly so 0600 secrets stay 0600.
  if (::fchmod(fd.get(), options.mode) != 0) return cleanup_on_error(fail_errno("chmod", temp.string(), errno));
  if (auto ok = write_all(fd.get(), bytes, temp); !ok) return cleanup_on_error(std::unexpected(ok.error()));
  if (::fsync(fd.get()) != 0) return cleanup_on_error(fail_errno("fsync", temp.string(), errno));
  fd.reset();
  if (options.create_only) {
    // link() fails with EEXIST instead of replacing: create-only even against a racing writer.
    if (::link(temp.c_str(), path.c_str()) != 0) return cleanup_on_error(fail_errno("link", path.string(), errno));
    ::unlink(temp.c_str());
  } else if (::rename(temp.c_str(), path.c_str()) != 0) {
    return cleanup_on_error(fail_errno("rename", path.string(), errno));
  }
  return fsync_directory(dir);
}

expected<byte_buffer> read_file(const fs::path& path, std::size_t max_bytes) {
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return fail_errno("open", path.string(), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail_errno("stat", path.string(), errno);
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
    return fail(errc::invalid_argument, "read " + path.string() + ": " + std::to_string(st.st_size) +
                                            " bytes exceeds the limit of " + std::to_string(max_bytes));
  byte_buffer out(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd.get(), out.data() + done, out.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_errno("read", path.string(), errno);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

}  // namespace bodycam::common::core
