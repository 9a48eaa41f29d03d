// segment_storage over the file-system port; errors keep the segment wording.
#include "firmware/media/file_segment_storage.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace bodycam::firmware::media {

namespace core = common::core;
namespace fs = std::filesystem;

namespace {

std::unexpected<core::error> segment_error(std::string_view operation, const fs::path& path, const core::error& e) {
  return core::wrap(std::string(operation) + " segment " + path.filename().string(), e);
}

class port_segment_file final : public segment_file {
 public:
  explicit port_segment_file(std::unique_ptr<core::file> file) : file_(std::move(file)) {}

  core::status write(core::byte_view bytes) override {
    if (auto ok = file_->write(bytes); !ok) return segment_error("write", path(), ok.error());
    return {};
  }
  core::status datasync() override {
    if (auto ok = file_->datasync(); !ok) return segment_error("fdatasync", path(), ok.error());
    return {};
  }
  core::status sync() override {
    if (auto ok = file_->sync(); !ok) return segment_error("fsync", path(), ok.error());
    return {};
  }
  core::status truncate(std::uint64_t length) override {
    if (auto ok = file_->truncate(length); !ok) return segment_error("truncate", path(), ok.error());
    return {};
  }
  const fs::path& path() const noexcept override { return file_->path(); }

 private:
  std::unique_ptr<core::file> file_;
};

}  // namespace

core::expected<std::unique_ptr<segment_file>> file_segment_storage::create(const fs::path& path) {
  auto opened = files_.open(path, core::open_mode::create_new, 0644);
  if (!opened) return segment_error("create", path, opened.error());
  return std::make_unique<port_segment_file>(std::move(*opened));
}

core::status file_segment_storage::rename_no_replace(const fs::path& from, const fs::path& to) {
  if (auto ok = files_.rename_no_replace(from, to); !ok)
    return core::wrap("rename segment " + from.filename().string() + " to " + to.filename().string(), ok.error());
  return {};
}

core::status file_segment_storage::sync_directory(const fs::path& directory) { return files_.sync_directory(directory); }

core::status file_segment_storage::check_writable(const fs::path& directory) {
  struct stat st {};
  if (::stat(directory.c_str(), &st) != 0) return core::fail_errno("output directory", directory.string(), errno);
  if (!S_ISDIR(st.st_mode)) return core::fail_errno("output directory", directory.string(), ENOTDIR);
  // Permission bits do not stop root, a read-only mount does: try what the writer will do.
  const fs::path probe = directory / (".bodycam-write-probe-" + std::to_string(::getpid()));
  auto opened = files_.open(probe, core::open_mode::create_new, 0600);
  if (!opened) return core::wrap("create file in output directory " + directory.string(), opened.error());
  opened->reset();
  (void)files_.unlink(probe);  // a probe left behind is harmless; the check itself succeeded
  return {};
}

}  // namespace bodycam::firmware::media
