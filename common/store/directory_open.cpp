// Opening a directory store, and making its layout (D6, D7, D10 of directory_backend.hpp): a directory is a store
// only if it holds store.json of a known format version, which is written last when the layout is made, and it
// is opened only if others have no access to its root.
#include "common/core/durable_file.hpp"
#include "common/store/directory_backend.hpp"
#include "common/store/directory_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace bodycam::common::store {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 6> layout_folders = {"objects", "objects/sha256", "records",
                                                            "keys",    "receipts",       "access"};
constexpr std::size_t max_marker_bytes = 4096;


// What a layout half-made by a crash may hold; anything else means the directory is someone else's.
bool is_layout_leftover(std::string_view name, detail::entry_type type) noexcept {
  if (type == detail::entry_type::folder) return is_layout_top_folder(name);
  if (type == detail::entry_type::regular) return name == store_lock_name || name.starts_with(temp_name_prefix);
  return false;
}

core::status check_marker(int root_fd, const fs::path& root) {
  const std::string what = (root / store_marker_name).string();
  core::unique_fd fd(::openat(root_fd, std::string(store_marker_name).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.is_open()) return detail::fail_at("open store marker", what, errno);
  std::string text(max_marker_bytes + 1, '\0');
  std::size_t length = 0;
  while (length < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + length, text.size() - length);
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail_errno("read store marker", what, errno);
    }
    if (n == 0) break;
    length += static_cast<std::size_t>(n);
  }
  if (length > max_marker_bytes) return core::fail(core::errc::malformed, "store marker " + what + ": too large");
  text.resize(length);
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object())
    return core::fail(core::errc::malformed, "store marker " + what + ": not a JSON object");
  const auto format = json.find("format");
  if (format == json.end() || !format->is_string() || format->get<std::string>() != "bodycam-store")
    return core::fail(core::errc::malformed, "store marker " + what + R"(: "format" is not "bodycam-store")");
  const auto version = json.find("version");
  if (version == json.end() || !version->is_number_unsigned())
    return core::fail(core::errc::malformed, "store marker " + what + ": \"version\" is not a whole number");
  if (version->get<std::uint64_t>() != 1)
    return core::fail(core::errc::unsupported, "store " + root.string() + " has format version " +
                                                   std::to_string(version->get<std::uint64_t>()) +
                                                   "; this build reads version 1");
  return {};
}

core::status write_marker(int root_fd, const fs::path& root, gid_t group) {
  const std::string what = (root / store_marker_name).string();
  const std::string temp_name = detail::random_temp_name();
  core::unique_fd fd(::openat(root_fd, temp_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                              stored_file_mode));
  if (!fd.is_open()) return core::fail_errno("create temp file for store marker", what, errno);
  auto fail_and_clean = [&](std::unexpected<core::error> e) {
    ::unlinkat(root_fd, temp_name.c_str(), 0);
    return e;
  };
  if (auto ok = detail::settle_access(fd.get(), group, stored_file_mode, "set access of store marker", what); !ok)
    return fail_and_clean(std::unexpected(ok.error()));
  const core::byte_view bytes(reinterpret_cast<const std::uint8_t*>(store_marker_content.data()),
                              store_marker_content.size());
  if (auto ok = core::write_all(fd.get(), bytes, what); !ok) return fail_and_clean(std::unexpected(ok.error()));
  if (auto ok = detail::sync_fd(fd.get(), "fsync store marker", what); !ok)
    return fail_and_clean(std::unexpected(ok.error()));
  fd.reset();
  // Another process making the same store at the same time may have won; its marker is as good as ours.
  if (::linkat(root_fd, temp_name.c_str(), root_fd, std::string(store_marker_name).c_str(), 0) != 0 && errno != EEXIST)
    return fail_and_clean(core::fail_errno("link store marker", what, errno));
  ::unlinkat(root_fd, temp_name.c_str(), 0);
  return detail::sync_fd(root_fd, "fsync store folder", root.string());
}

// D6, D7: the root becomes 2750 in its own group before anything is made in it, so everything below inherits.
core::status make_layout(int root_fd, const fs::path& root) {
  struct stat root_st {};
  if (::fstat(root_fd, &root_st) != 0) return core::fail_errno("stat store folder", root.string(), errno);
  const gid_t group = root_st.st_gid;
  if (auto ok = detail::settle_access(root_fd, group, store_folder_mode, "set access of store folder", root.string());
      !ok)
    return ok;
  for (const auto folder : layout_folders) {
    const std::string path(folder);
    if (::mkdirat(root_fd, path.c_str(), folder_mode_of(folder) & ~mode_t{S_ISGID}) != 0 && errno != EEXIST)
      return core::fail_errno("make folder", (root / path).string(), errno);
    core::unique_fd made = detail::open_folder_at(root_fd, path.c_str());
    if (!made.is_open()) return detail::fail_at("open folder", (root / path).string(), errno);
    if (auto ok = detail::settle_access(made.get(), group, folder_mode_of(folder), "set access of folder",
                                        (root / path).string());
        !ok)
      return ok;
  }
  core::unique_fd lock(::openat(root_fd, std::string(store_lock_name).c_str(),
                                O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, store_lock_mode));
  if (!lock.is_open()) return detail::fail_at("create", (root / store_lock_name).string(), errno);
  if (auto ok = detail::settle_access(lock.get(), group, store_lock_mode, "set access of",
                                      (root / store_lock_name).string());
      !ok)
    return ok;
  // The folders' entries are durable before the marker says the layout is complete.
  core::unique_fd objects = detail::open_folder_at(root_fd, "objects");
  if (!objects.is_open()) return detail::fail_at("open folder", (root / "objects").string(), errno);
  if (auto ok = detail::sync_fd(objects.get(), "fsync folder", (root / "objects").string()); !ok) return ok;
  if (auto ok = detail::sync_fd(root_fd, "fsync store folder", root.string()); !ok) return ok;
  return write_marker(root_fd, root, group);
}

// D10: others get nothing. The mode is the open folder's, so a rename of the path cannot fool the check.
core::expected<gid_t> check_root_access(int root_fd, const fs::path& root) {
  struct stat st {};
  if (::fstat(root_fd, &st) != 0) return core::fail_errno("stat store folder", root.string(), errno);
  if ((st.st_mode & S_IRWXO) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return core::fail(core::errc::permission,
                      "open store " + root.string() + ": its folder has mode " + mode +
                          ", so every user of this machine can read footage past the access register; run "
                          "chmod -R o-rwx " + root.string() + " (the store wants 2750 folders, 0440 files)");
  }
  return st.st_gid;
}

core::status check_layout(int root_fd, const fs::path& root) {
  for (const auto folder : layout_folders) {
    const std::string path(folder);
    struct stat st {};
    if (::fstatat(root_fd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
      return core::fail(core::errc::corrupt, "store " + root.string() + " has no folder " + path +
                                                 " (or something else stands in its place)");
  }
  return {};
}

fs::path normalised(const fs::path& root) {
  std::error_code ec;
  fs::path out = fs::absolute(root, ec).lexically_normal();
  if (ec) out = root;
  if (!out.has_filename() && out.has_parent_path() && out != out.root_path()) out = out.parent_path();
  return out;
}

}  // namespace

core::expected<std::unique_ptr<directory_backend>> directory_backend::open(const fs::path& root_in,
                                                                           directory_store_options options) {
  const fs::path root = normalised(root_in);
  core::unique_fd root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.is_open() && errno == ENOENT && options.create) {
    if (::mkdir(root.c_str(), store_folder_mode & ~mode_t{S_ISGID}) != 0 && errno != EEXIST)
      return core::fail_errno("make store folder", root.string(), errno);
    if (auto ok = core::fsync_directory(root.parent_path()); !ok) return std::unexpected(ok.error());
    root_fd.reset(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }
  if (!root_fd.is_open()) return core::fail_errno("open store", root.string(), errno);

  struct stat st {};
  if (::fstatat(root_fd.get(), std::string(store_marker_name).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno != ENOENT) return detail::fail_at("stat", (root / store_marker_name).string(), errno);
    if (!options.create)
      return core::fail(core::errc::not_found, "open store " + root.string() + ": not a bodycam store (it has no " +
                                                   std::string(store_marker_name) + ")");
    // D7: only an empty directory, or one whose making a crash interrupted, becomes a store.
    std::string stranger;
    auto listed =
        detail::for_each_dirent(root_fd.get(), root.string(), [&](std::string_view name, detail::entry_type type) {
          if (is_layout_leftover(name, type)) return true;
          stranger = name;
          return false;
        });
    if (!listed) return std::unexpected(listed.error());
    if (!stranger.empty())
      return core::fail(core::errc::conflict, "refusing to make a store in " + root.string() +
                                                  ": it is not empty and not a bodycam store (it holds '" + stranger +
                                                  "')");
    if (auto ok = make_layout(root_fd.get(), root); !ok) return core::wrap("make store " + root.string(), ok.error());
  }
  if (auto ok = check_marker(root_fd.get(), root); !ok) return std::unexpected(ok.error());
  if (auto ok = check_layout(root_fd.get(), root); !ok) return std::unexpected(ok.error());
  auto group = check_root_access(root_fd.get(), root);
  if (!group) return std::unexpected(group.error());
  return std::unique_ptr<directory_backend>(
      new directory_backend(root, std::move(root_fd), *group, std::move(options)));
}

core::expected<store> open_directory_store(const fs::path& root, bool create) {
  directory_store_options options;
  options.create = create;
  return open_directory_store(root, std::move(options));
}

core::expected<store> open_directory_store(const fs::path& root, directory_store_options options) {
  auto backend = directory_backend::open(root, std::move(options));
  if (!backend) return std::unexpected(backend.error());
  return store(std::move(*backend));
}

}  // namespace bodycam::common::store
