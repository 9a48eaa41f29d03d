#include "common/store/byte_source.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>

namespace bodycam::common::store {

core::expected<std::size_t> span_source::read(std::span<std::uint8_t> buffer) {
  const std::size_t n = std::min(buffer.size(), bytes_.size() - position_);
  std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(position_), n, buffer.begin());
  position_ += n;
  return n;
}

std::string span_source::describe() const { return std::to_string(bytes_.size()) + " bytes in memory"; }

namespace {

struct opened_file {
  core::unique_fd fd;
  std::uint64_t size = 0;
};

// A regular file opened for reading (following symlinks: a caller's path) and its size; not_found if absent,
// invalid_argument if not a regular file.
core::expected<opened_file> open_regular_file(const std::filesystem::path& path) {
  core::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return core::fail_errno("open", path.string(), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return core::fail_errno("stat", path.string(), errno);
  if (!S_ISREG(st.st_mode))
    return core::fail(core::errc::invalid_argument, "open " + path.string() + ": not a regular file");
  return opened_file{std::move(fd), static_cast<std::uint64_t>(st.st_size)};
}

}  // namespace

core::expected<file_reader> file_reader::open(const std::filesystem::path& path) {
  auto file = open_regular_file(path);
  if (!file) return std::unexpected(file.error());
  return file_reader(std::move(file->fd), file->size, "file " + path.string());
}

core::expected<std::size_t> file_reader::read(std::span<std::uint8_t> buffer) {
  for (;;) {
    const ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return core::fail_errno("read", description_, errno);
  }
}

bool file_reader::rewind() { return ::lseek(fd_.get(), 0, SEEK_SET) == 0; }

void mapped_file_source::unmapper::operator()(std::uint8_t* address) const noexcept {
  if (address != nullptr) (void)::munmap(address, length);
}

core::expected<mapped_file_source> mapped_file_source::open(const std::filesystem::path& path) {
  auto file = open_regular_file(path);
  if (!file) return std::unexpected(file.error());
  if (file->size > std::numeric_limits<std::size_t>::max())
    return core::fail(core::errc::invalid_argument, "map " + path.string() + ": larger than the address space");
  const auto size = static_cast<std::size_t>(file->size);
  std::unique_ptr<std::uint8_t, unmapper> mapping(nullptr, unmapper{size});
  if (size > 0) {
    // A segment-sized file (in the page cache after a fetch) is mapped in one pass (MAP_POPULATE), not faulted
    // in page by page; a larger one (read in parts by a multipart upload) as it is read.
    const int populate = size <= populate_limit ? MAP_POPULATE : 0;
    void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | populate, file->fd.get(), 0);
    if (address == MAP_FAILED) return core::fail_errno("map", path.string(), errno);
    mapping.reset(static_cast<std::uint8_t*>(address));
    if (populate == 0) (void)::madvise(address, size, MADV_SEQUENTIAL);
  }
  return mapped_file_source(std::move(mapping), size, "file " + path.string());
}

core::expected<std::size_t> mapped_file_source::read(std::span<std::uint8_t> buffer) {
  const std::size_t n = std::min(buffer.size(), bytes_.size() - position_);
  std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(position_), n, buffer.begin());
  position_ += n;
  return n;
}

}  // namespace bodycam::common::store
