#include "common/store/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace bodycam::common::store {

core::expected<std::size_t> span_source::read(std::span<std::uint8_t> buffer) {
  const std::size_t n = std::min(buffer.size(), bytes_.size() - position_);
  std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(position_), n, buffer.begin());
  position_ += n;
  return n;
}

std::string span_source::describe() const { return std::to_string(bytes_.size()) + " bytes in memory"; }

core::expected<file_reader> file_reader::open(const std::filesystem::path& path) {
  core::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return core::fail_errno("open", path.string(), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return core::fail_errno("stat", path.string(), errno);
  if (!S_ISREG(st.st_mode))
    return core::fail(core::errc::invalid_argument, "open " + path.string() + ": not a regular file");
  return file_reader(std::move(fd), static_cast<std::uint64_t>(st.st_size), "file " + path.string());
}

core::expected<std::size_t> file_reader::read(std::span<std::uint8_t> buffer) {
  for (;;) {
    const ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return core::fail_errno("read", description_, errno);
  }
}

bool file_reader::rewind() { return ::lseek(fd_.get(), 0, SEEK_SET) == 0; }

}  // namespace bodycam::common::store
