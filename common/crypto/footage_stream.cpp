#include "common/crypto/footage_stream.hpp"

#include "common/core/durable_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace bodycam::common::crypto {

core::expected<std::size_t> memory_source::read(std::span<std::uint8_t> out) {
  const std::size_t n = std::min({out.size(), chunk_, bytes_.size() - at_});
  std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(at_), n, out.begin());
  at_ += n;
  return n;
}

core::status fd_sink::write(core::byte_view bytes) { return core::write_all(fd_, bytes, name_); }

core::expected<std::size_t> fd_source::read(std::span<std::uint8_t> out) {
  for (;;) {
    const ssize_t n = ::read(fd_, out.data(), out.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return core::fail_errno("read", name_.string(), errno);
  }
}

}  // namespace bodycam::common::crypto
