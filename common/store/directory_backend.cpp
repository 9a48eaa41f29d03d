// The directory backend's operations; opening and making the layout is in directory_open.cpp.
#include "common/store/directory_backend.hpp"

#include "common/store/directory_io.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace bodycam::common::store {

namespace {

constexpr std::size_t write_chunk_bytes = std::size_t{256} * 1024;

// Removes a temp file that never became a stored key: release work only, so it may sit in a destructor.
class temp_file_guard {
 public:
  temp_file_guard(int dirfd, std::string name) noexcept : dirfd_(dirfd), name_(std::move(name)) {}
  temp_file_guard(const temp_file_guard&) = delete;
  temp_file_guard& operator=(const temp_file_guard&) = delete;
  ~temp_file_guard() {
    if (armed_) ::unlinkat(dirfd_, name_.c_str(), 0);
  }
  void disarm() noexcept { armed_ = false; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  int dirfd_;
  std::string name_;
  bool armed_ = true;
};

}  // namespace

std::string_view to_string(write_step step) noexcept {
  switch (step) {
    case write_step::make_directory: return "make_directory";
    case write_step::create_temp: return "create_temp";
    case write_step::write: return "write";
    case write_step::sync_file: return "sync_file";
    case write_step::link: return "link";
    case write_step::sync_directory: return "sync_directory";
  }
  return "unknown";
}

mode_t folder_mode_of(std::string_view folder) noexcept {
  for (const auto ns : {entry_namespace::access, entry_namespace::retention, entry_namespace::notes})
    if (folder == to_string(ns)) return register_folder_mode;
  return store_folder_mode;
}

std::string directory_backend::name_of(const store_key& key) const {
  return std::string(key.kind()) + " " + path_of(key).string();
}

int directory_backend::injected(write_step step, const store_key& key) const {
  return options_.faults ? options_.faults(step, key) : 0;
}

core::expected<core::unique_fd> directory_backend::lock_store(int operation) const {
  const std::string what = (root_ / store_lock_name).string();
  core::unique_fd fd(::openat(root_fd_.get(), std::string(store_lock_name).c_str(),
                              O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, store_lock_mode));
  if (!fd.is_open()) return detail::fail_at("open lock", what, errno);
  while (::flock(fd.get(), operation) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK)
      return core::fail(core::errc::conflict,
                        "lock " + what + ": a put is in progress; try again when no writer is active");
    return core::fail_errno("lock", what, errno);
  }
  return fd;
}

core::expected<core::unique_fd> directory_backend::open_folder(std::string_view folder,
                                                               const store_key* making_for) const {
  core::unique_fd current(::openat(root_fd_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!current.is_open()) return core::fail_errno("open", root_.string(), errno);
  std::string walked = root_.string();
  std::size_t start = 0;
  while (start < folder.size()) {
    const auto slash = folder.find('/', start);
    const std::string component(
        folder.substr(start, slash == std::string_view::npos ? folder.size() - start : slash - start));
    start = slash == std::string_view::npos ? folder.size() : slash + 1;
    walked += "/" + component;
    // D5: each component opened relative to the last, refusing symlinks.
    core::unique_fd next = detail::open_folder_at(current.get(), component.c_str());
    if (!next.is_open() && errno == ENOENT && making_for != nullptr) {
      // D6: the new folder's entry is durable before anything is written into it.
      if (const int e = injected(write_step::make_directory, *making_for); e != 0)
        return core::fail_errno("make folder", walked + " for " + name_of(*making_for), e);
      const mode_t mode = folder_mode_of(folder.substr(0, start == folder.size() ? folder.size() : start - 1));
      if (::mkdirat(current.get(), component.c_str(), mode & ~mode_t{S_ISGID}) != 0 && errno != EEXIST)
        return core::fail_errno("make folder", walked + " for " + name_of(*making_for), errno);
      next = detail::open_folder_at(current.get(), component.c_str());
      if (next.is_open())
        if (auto ok = detail::settle_access(next.get(), group_, mode, "set access of folder", walked); !ok)
          return std::unexpected(ok.error());
      if (auto ok = detail::sync_fd(current.get(), "fsync folder of", walked); !ok) return std::unexpected(ok.error());
    }
    if (!next.is_open()) return detail::fail_at("open folder", walked, errno);
    current = std::move(next);
  }
  return current;
}

core::expected<core::unique_fd> directory_backend::open_leaf(const store_key& key, std::uint64_t& size) const {
  const std::string what = name_of(key);
  auto parent = open_folder(key.parent());
  if (!parent) {
    if (parent.error().code == core::errc::not_found) return core::fail_errno("open", what, ENOENT);
    return std::unexpected(parent.error());
  }
  const std::string leaf(key.leaf());
  core::unique_fd fd(::openat(parent->get(), leaf.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.is_open()) return detail::fail_at("open", what, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return core::fail_errno("stat", what, errno);
  if (!S_ISREG(st.st_mode)) return core::fail(core::errc::corrupt, "open " + what + ": not a regular file");
  size = static_cast<std::uint64_t>(st.st_size);
  return fd;
}

core::status directory_backend::check_reserve(std::optional<std::uint64_t> size, const std::string& what) const {
  if (options_.min_free_bytes == 0) return {};
  struct statvfs vfs {};
  if (::fstatvfs(root_fd_.get(), &vfs) != 0) return core::fail_errno("check free space for", what, errno);
  const std::uint64_t available = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  const std::uint64_t needed = size.value_or(0);
  if (available < needed || available - needed < options_.min_free_bytes)
    return core::fail(core::errc::no_space, "put " + what + ": store full: " + std::to_string(available) +
                                                " bytes free, the put needs " + std::to_string(needed) +
                                                " and the reserve is " + std::to_string(options_.min_free_bytes));
  return {};
}

core::expected<create_outcome> directory_backend::create(const store_key& key, byte_source& source,
                                                         const crypto::sha256_digest& expected_sha256) {
  const std::string what = name_of(key);
  // D4: held from before the temp file exists until it is gone.
  auto lock = lock_store(LOCK_SH);
  if (!lock) return std::unexpected(lock.error());
  auto parent = open_folder(key.parent(), &key);
  if (!parent) return std::unexpected(parent.error());
  const int dirfd = parent->get();
  const std::string leaf(key.leaf());

  struct stat st {};
  if (::fstatat(dirfd, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (!S_ISREG(st.st_mode)) return core::fail(core::errc::corrupt, "put " + what + ": not a regular file");
    if (auto ok = detail::sync_fd(dirfd, "fsync folder of", what); !ok) return std::unexpected(ok.error());  // D2
    return create_outcome::already_exists;
  }
  if (errno != ENOENT) return detail::fail_at("stat", what, errno);
  if (auto ok = check_reserve(source.known_size(), what); !ok) return std::unexpected(ok.error());

  // D1, D3: the temp file lives in the key's folder under a name no key can have.
  if (const int e = injected(write_step::create_temp, key); e != 0)
    return core::fail_errno("create temp file for", what, e);
  std::string temp_name = detail::random_temp_name();
  core::unique_fd fd(
      ::openat(dirfd, temp_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, stored_file_mode));
  if (!fd.is_open()) return core::fail_errno("create temp file for", what, errno);
  temp_file_guard temp(dirfd, std::move(temp_name));
  if (auto ok = detail::settle_access(fd.get(), group_, stored_file_mode, "set access of temp file for", what); !ok)
    return std::unexpected(ok.error());

  crypto::sha256_hasher hasher;
  core::byte_buffer buffer(write_chunk_bytes);
  for (;;) {
    auto n = source.read(buffer);
    if (!n) return core::wrap("put " + what, n.error());
    if (*n == 0) break;
    hasher.update(core::byte_view(buffer).first(*n));
    std::size_t done = 0;
    while (done < *n) {
      if (const int e = injected(write_step::write, key); e != 0) return core::fail_errno("write", what, e);
      const ssize_t w = ::write(fd.get(), buffer.data() + done, *n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        return core::fail_errno("write", what, errno);
      }
      done += static_cast<std::size_t>(w);
    }
  }
  const auto actual = hasher.finish();
  if (actual != expected_sha256)
    return core::fail(core::errc::corrupt, "put " + what + ": the content from " + source.describe() + " hashes to " +
                                               actual.to_hex() + ", not " + expected_sha256.to_hex() +
                                               "; nothing stored");

  if (const int e = injected(write_step::sync_file, key); e != 0) return core::fail_errno("fsync", what, e);
  if (::fsync(fd.get()) != 0) return core::fail_errno("fsync", what, errno);
  fd.reset();

  // D1: link() refuses an existing name, so of racing writers exactly one creates the key.
  if (const int e = injected(write_step::link, key); e != 0) return core::fail_errno("link", what, e);
  if (::linkat(dirfd, temp.name().c_str(), dirfd, leaf.c_str(), 0) != 0) {
    if (errno != EEXIST) return core::fail_errno("link", what, errno);
    if (auto ok = detail::sync_fd(dirfd, "fsync folder of", what); !ok) return std::unexpected(ok.error());  // D2
    return create_outcome::already_exists;  // the guard removes our temp file
  }
  // The key now holds the complete content. Dropping the temp name cannot lose it; should the unlink fail,
  // the name is a harmless second link that recover() removes.
  ::unlinkat(dirfd, temp.name().c_str(), 0);
  temp.disarm();
  if (const int e = injected(write_step::sync_directory, key); e != 0)
    return core::fail_errno("fsync folder of", what, e);
  if (auto ok = detail::sync_fd(dirfd, "fsync folder of", what); !ok) return std::unexpected(ok.error());
  return create_outcome::created;
}

core::expected<std::unique_ptr<object_reader>> directory_backend::open(const store_key& key) const {
  std::uint64_t size = 0;
  auto fd = open_leaf(key, size);
  if (!fd) return std::unexpected(fd.error());
  return std::make_unique<file_reader>(std::move(*fd), size, name_of(key));
}

core::expected<core::byte_buffer> directory_backend::read_range(const store_key& key, std::uint64_t offset,
                                                                std::size_t length) const {
  std::uint64_t size = 0;
  auto fd = open_leaf(key, size);
  if (!fd) return std::unexpected(fd.error());
  if (offset > size)
    return core::fail(core::errc::invalid_argument, "read " + name_of(key) + ": offset " + std::to_string(offset) +
                                                        " is past its end (" + std::to_string(size) + " bytes)");
  core::byte_buffer out(static_cast<std::size_t>(std::min<std::uint64_t>(length, size - offset)));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd->get(), out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::fail_errno("read", name_of(key), errno);
    }
    if (n == 0) break;  // the file cannot shrink (write-once); stop rather than loop
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

core::expected<std::optional<std::uint64_t>> directory_backend::stat(const store_key& key) const {
  auto parent = open_folder(key.parent());
  if (!parent) {
    if (parent.error().code == core::errc::not_found) return std::optional<std::uint64_t>{};
    return std::unexpected(parent.error());
  }
  struct stat st {};
  if (::fstatat(parent->get(), std::string(key.leaf()).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return std::optional<std::uint64_t>{};
    return detail::fail_at("stat", name_of(key), errno);
  }
  if (!S_ISREG(st.st_mode)) return core::fail(core::errc::corrupt, "stat " + name_of(key) + ": not a regular file");
  return std::optional<std::uint64_t>{static_cast<std::uint64_t>(st.st_size)};
}

core::status directory_backend::list(const store_key& folder, const list_visitor& visit) const {
  auto fd = open_folder(folder.str());
  if (!fd) {
    if (fd.error().code == core::errc::not_found) return {};
    return std::unexpected(fd.error());
  }
  return detail::for_each_dirent(fd->get(), (root_ / folder.str()).string(),
                                 [&](std::string_view name, detail::entry_type type) {
                                   // D3: temp files (and anything else not a key component) are not keys.
                                   if (type == detail::entry_type::other || !is_valid_key_component(name)) return true;
                                   return visit(list_entry{std::string(name), type == detail::entry_type::folder});
                                 });
}

core::status directory_backend::remove(const store_key& key) {
  const std::string what = name_of(key);
  auto lock = lock_store(LOCK_SH);
  if (!lock) return std::unexpected(lock.error());
  auto parent = open_folder(key.parent());
  if (!parent) {
    if (parent.error().code == core::errc::not_found) return core::fail_errno("remove", what, ENOENT);
    return std::unexpected(parent.error());
  }
  const std::string leaf(key.leaf());
  struct stat st {};
  if (::fstatat(parent->get(), leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return detail::fail_at("remove", what, errno);
  if (!S_ISREG(st.st_mode)) return core::fail(core::errc::corrupt, "remove " + what + ": not a regular file");
  // D8: gone from the folder, and the folder synced, before we say so.
  if (::unlinkat(parent->get(), leaf.c_str(), 0) != 0) return core::fail_errno("remove", what, errno);
  return detail::sync_fd(parent->get(), "fsync folder of", what);
}

core::expected<space_info> directory_backend::space() const {
  struct statvfs vfs {};
  if (::fstatvfs(root_fd_.get(), &vfs) != 0) return core::fail_errno("check free space of", describe(), errno);
  return space_info{static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize,
                    static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize};
}

core::status directory_backend::scan_folder(const std::string& folder, recovery_report& report,
                                            const std::function<bool(std::string_view, bool)>& belongs) const {
  auto fd = open_folder(folder);
  if (!fd) {
    if (fd.error().code == core::errc::not_found) return {};
    return std::unexpected(fd.error());
  }
  const std::string prefix = folder.empty() ? std::string() : folder + "/";
  std::vector<std::string> temps;
  auto listed = detail::for_each_dirent(
      fd->get(), (root_ / folder).string(), [&](std::string_view name, detail::entry_type type) {
        if (name.starts_with(temp_name_prefix) && type == detail::entry_type::regular)
          temps.emplace_back(name);
        else if (type == detail::entry_type::other || !belongs(name, type == detail::entry_type::folder))
          report.foreign.push_back(prefix + std::string(name));
        return true;
      });
  if (!listed) return listed;
  for (const auto& name : temps) {
    if (::unlinkat(fd->get(), name.c_str(), 0) != 0 && errno != ENOENT)
      return core::fail_errno("remove temp file", (root_ / folder / name).string(), errno);
    report.removed.push_back(prefix + name);
  }
  if (!temps.empty()) return detail::sync_fd(fd->get(), "fsync folder", (root_ / folder).string());
  return {};
}

core::expected<recovery_report> directory_backend::recover() {
  // D4: no create holds the lock, so every temp file is a dead writer's.
  auto lock = lock_store(LOCK_EX | LOCK_NB);
  if (!lock) return core::wrap("recover " + describe(), lock.error());
  recovery_report report;
  auto scan = [&](const std::string& folder, const std::function<bool(std::string_view, bool)>& belongs) {
    return scan_folder(folder, report, belongs);
  };
  auto leaf_if = [](auto valid) {
    return [valid](std::string_view name, bool is_folder) { return !is_folder && valid(name); };
  };
  if (auto ok = scan("",
                     [](std::string_view name, bool is_folder) {
                       return is_folder ? is_layout_top_folder(name)
                                        : (name == store_marker_name || name == store_lock_name);
                     });
      !ok)
    return std::unexpected(ok.error());
  if (auto ok = scan("objects", [](std::string_view name, bool is_folder) { return is_folder && name == "sha256"; });
      !ok)
    return std::unexpected(ok.error());
  if (auto ok = scan("objects/sha256", leaf_if([](std::string_view n) { return parse_object_name(n).has_value(); }));
      !ok)
    return std::unexpected(ok.error());
  std::vector<std::string> devices;
  if (auto ok = scan("records",
                     [&](std::string_view name, bool is_folder) {
                       const bool valid = is_folder && record::device_id::parse(name).has_value();
                       if (valid) devices.emplace_back(name);
                       return valid;
                     });
      !ok)
    return std::unexpected(ok.error());
  for (const auto& device : devices)
    if (auto ok = scan("records/" + device, leaf_if([](std::string_view n) { return parse_seq_name(n).has_value(); }));
        !ok)
      return std::unexpected(ok.error());
  if (auto ok = scan("keys", leaf_if([](std::string_view n) { return parse_public_key_name(n).has_value(); })); !ok)
    return std::unexpected(ok.error());
  for (const auto ns : all_entry_namespaces)
    if (auto ok = scan(std::string(to_string(ns)), leaf_if(is_valid_key_component)); !ok)
      return std::unexpected(ok.error());
  std::sort(report.removed.begin(), report.removed.end());
  std::sort(report.foreign.begin(), report.foreign.end());
  return report;
}

}  // namespace bodycam::common::store
