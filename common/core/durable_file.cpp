#include "common/core/durable_file.hpp"

#include "common/core/posix_file_system.hpp"

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
  posix_file_system posix;
  return posix.sync_directory(directory);
}

status write_file_durably(const fs::path& path, byte_view bytes, write_options options) {
  posix_file_system posix;
  return write_file_durably(posix, path, bytes, options);
}

status write_file_durably(file_system& fsys, const fs::path& path, byte_view bytes, write_options options) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (options.create_only) {
    auto present = fsys.exists(path);
    if (!present) return std::unexpected(present.error());
    if (*present) return fail(errc::already_exists, "create " + path.string() + ": already exists");
  }

  std::random_device entropy;
  const fs::path temp = dir / (path.filename().string() + ".tmp." + std::to_string(entropy()));
  auto opened = fsys.open(temp, open_mode::create_new, options.mode, true);
  if (!opened) return std::unexpected(opened.error());
  std::unique_ptr<file> out = std::move(*opened);
  auto cleanup_on_error = [&](const error& e) {
    out.reset();
    (void)fsys.unlink(temp);  // best effort: the error that matters is e
    return std::unexpected(e);
  };
  if (auto ok = out->write(bytes); !ok) return cleanup_on_error(ok.error());
  if (auto ok = out->sync(); !ok) return cleanup_on_error(ok.error());
  out.reset();
  // rename_no_replace refuses an existing target: create-only even against a racing writer.
  auto moved = options.create_only ? fsys.rename_no_replace(temp, path) : fsys.rename(temp, path);
  if (!moved) return cleanup_on_error(moved.error());
  return fsys.sync_directory(dir);
}

expected<byte_buffer> read_file(const fs::path& path, std::size_t max_bytes) {
  posix_file_system posix;
  return read_file(posix, path, max_bytes);
}

expected<byte_buffer> read_file(file_system& fsys, const fs::path& path, std::size_t max_bytes) {
  auto opened = fsys.open(path, open_mode::read_only);
  if (!opened) return std::unexpected(opened.error());
  auto size = (*opened)->size();
  if (!size) return std::unexpected(size.error());
  if (*size > max_bytes)
    return fail(errc::invalid_argument, "read " + path.string() + ": " + std::to_string(*size) +
                                            " bytes exceeds the limit of " + std::to_string(max_bytes));
  byte_buffer out(static_cast<std::size_t>(*size));
  auto got = (*opened)->read_at(0, out);
  if (!got) return std::unexpected(got.error());
  out.resize(*got);
  return out;
}

}  // namespace bodycam::common::core
