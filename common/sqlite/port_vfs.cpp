// The port VFS: SQLite's file I/O turned into file_system calls, locks and shared memory left to the default VFS.
#include "common/sqlite/port_vfs.hpp"

#include <cstring>
#include <filesystem>
#include <new>

namespace bodycam::common::sqlite {

namespace fs = std::filesystem;

struct port_vfs_hooks {
  struct file {
    sqlite3_file base;  // first: SQLite sees this
    port_vfs* owner = nullptr;
    std::shared_ptr<core::file> data;  // null for files SQLite's own VFS handles alone (temporary files)
    std::string key;                   // data's entry in owner->shared_
    sqlite3_file* shadow = nullptr;
    bool sync_directory_at_first_sync = false;
  };
  static constexpr std::size_t shadow_offset =
      (sizeof(file) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) * alignof(std::max_align_t);

  static port_vfs& owner_of(sqlite3_vfs* v) { return *static_cast<port_vfs*>(v->pAppData); }
  static file& of(sqlite3_file* f) { return *reinterpret_cast<file*>(f); }
  static sqlite3_file* shadow(sqlite3_file* f) { return of(f).shadow; }
  static const sqlite3_io_methods* shadow_methods(sqlite3_file* f) { return of(f).shadow->pMethods; }

  // ── files ──
  static int close(sqlite3_file* f) {
    file& self = of(f);
    // The shadow first: the unix VFS keeps its own descriptor open while other handles hold locks.
    const int rc = shadow_methods(f) != nullptr ? shadow_methods(f)->xClose(shadow(f)) : SQLITE_OK;
    release(self);
    self.~file();
    return rc;
  }
  // Drops this handle's use of its shared port file; the last user of a path takes it out of the table.
  // The descriptor closes when the last shared_ptr goes (also for a file deleted and recreated meanwhile).
  static void release(file& self) {
    if (!self.data) return;
    port_vfs& owner = *self.owner;
    std::lock_guard lock(owner.shared_mutex_);
    const auto found = owner.shared_.find(self.key);
    if (found != owner.shared_.end() && found->second.file == self.data && --found->second.users == 0)
      owner.shared_.erase(found);
    self.data.reset();
  }
  // Points `self` at the shared port file for `path`, opened on first use: SQLITE_OK, or SQLITE_CANTOPEN if
  // it is absent (and not to be created), cannot be opened, or is shared read-only and wanted for writing.
  static int acquire(port_vfs& owner, file& self, const fs::path& path, int flags) {
    const bool read_only = (flags & SQLITE_OPEN_READONLY) != 0;
    std::lock_guard lock(owner.shared_mutex_);
    self.key = path.string();
    if (const auto found = owner.shared_.find(self.key); found != owner.shared_.end()) {
      if (!read_only && !found->second.writable) return SQLITE_CANTOPEN;
      ++found->second.users;
      self.data = found->second.file;
      return SQLITE_OK;
    }
    auto present = owner.files_.exists(path);
    if (!present) return SQLITE_CANTOPEN;
    const bool creates = !*present && (flags & SQLITE_OPEN_CREATE) != 0;
    if (!*present && !creates) return SQLITE_CANTOPEN;
    auto opened = owner.files_.open(path, creates    ? core::open_mode::create_new
                                          : read_only ? core::open_mode::read_only
                                                      : core::open_mode::read_write);
    if (!opened) return SQLITE_CANTOPEN;
    self.data = std::shared_ptr<core::file>(std::move(*opened));
    owner.shared_.emplace(self.key, port_vfs::shared_file{self.data, 1, !read_only});
    self.sync_directory_at_first_sync =
        creates && (flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_SUPER_JOURNAL)) != 0;
    return SQLITE_OK;
  }
  static int read(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
    if (!of(f).data) return shadow_methods(f)->xRead(shadow(f), out, amount, offset);
    const std::span<std::uint8_t> buffer(static_cast<std::uint8_t*>(out), static_cast<std::size_t>(amount));
    auto got = of(f).data->read_at(static_cast<std::uint64_t>(offset), buffer);
    if (!got) return SQLITE_IOERR_READ;
    if (*got < buffer.size()) {
      std::memset(buffer.data() + *got, 0, buffer.size() - *got);
      return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
  }
  static int write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
    if (!of(f).data) return shadow_methods(f)->xWrite(shadow(f), data, amount, offset);
    const core::byte_view bytes(static_cast<const std::uint8_t*>(data), static_cast<std::size_t>(amount));
    if (auto ok = of(f).data->write_at(static_cast<std::uint64_t>(offset), bytes); !ok)
      return ok.error().code == core::errc::no_space ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    return SQLITE_OK;
  }
  static int truncate(sqlite3_file* f, sqlite3_int64 size) {
    if (!of(f).data) return shadow_methods(f)->xTruncate(shadow(f), size);
    if (!of(f).data->truncate(static_cast<std::uint64_t>(size))) return SQLITE_IOERR_TRUNCATE;
    return SQLITE_OK;
  }
  static int sync(sqlite3_file* f, int flags) {
    file& self = of(f);
    if (!self.data) return shadow_methods(f)->xSync(shadow(f), flags);
    const bool data_only = (flags & SQLITE_SYNC_DATAONLY) != 0;
    if (!(data_only ? self.data->datasync() : self.data->sync())) return SQLITE_IOERR_FSYNC;
    if (self.sync_directory_at_first_sync) {
      if (!self.owner->files_.sync_directory(self.data->path().parent_path())) return SQLITE_IOERR_DIR_FSYNC;
      self.sync_directory_at_first_sync = false;
    }
    return SQLITE_OK;
  }
  static int file_size(sqlite3_file* f, sqlite3_int64* size) {
    if (!of(f).data) return shadow_methods(f)->xFileSize(shadow(f), size);
    auto got = of(f).data->size();
    if (!got) return SQLITE_IOERR_FSTAT;
    *size = static_cast<sqlite3_int64>(*got);
    return SQLITE_OK;
  }
  static int lock(sqlite3_file* f, int level) { return shadow_methods(f)->xLock(shadow(f), level); }
  static int unlock(sqlite3_file* f, int level) { return shadow_methods(f)->xUnlock(shadow(f), level); }
  static int check_reserved(sqlite3_file* f, int* out) { return shadow_methods(f)->xCheckReservedLock(shadow(f), out); }
  static int file_control(sqlite3_file* f, int op, void* arg) {
    return shadow_methods(f)->xFileControl(shadow(f), op, arg);
  }
  static int sector_size(sqlite3_file* f) { return shadow_methods(f)->xSectorSize(shadow(f)); }
  static int device_characteristics(sqlite3_file* f) { return shadow_methods(f)->xDeviceCharacteristics(shadow(f)); }
  static int shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    return shadow_methods(f)->xShmMap(shadow(f), region, size, extend, out);
  }
  static int shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return shadow_methods(f)->xShmLock(shadow(f), offset, n, flags);
  }
  static void shm_barrier(sqlite3_file* f) { shadow_methods(f)->xShmBarrier(shadow(f)); }
  static int shm_unmap(sqlite3_file* f, int delete_flag) { return shadow_methods(f)->xShmUnmap(shadow(f), delete_flag); }

  static const sqlite3_io_methods* io_methods() {
    static const sqlite3_io_methods methods = {
        2,     close,          read,      write,      truncate,  sync,        file_size,
        lock,  unlock,         check_reserved,        file_control,           sector_size,
        device_characteristics, shm_map,  shm_lock,   shm_barrier, shm_unmap, nullptr, nullptr};
    return &methods;
  }

  // ── the VFS ──
  static int open(sqlite3_vfs* v, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    port_vfs& owner = owner_of(v);
    auto* self = new (f) file{};
    self->owner = &owner;
    self->shadow = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + shadow_offset);
    self->shadow->pMethods = nullptr;
    const bool durable = name != nullptr && (flags & SQLITE_OPEN_DELETEONCLOSE) == 0 &&
                         (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL |
                                   SQLITE_OPEN_SUPER_JOURNAL)) != 0;
    if (durable && acquire(owner, *self, fs::path(name), flags) != SQLITE_OK) return fail_open(f);
    const int rc = owner.base_->xOpen(owner.base_, name, self->shadow, flags, out_flags);
    if (rc != SQLITE_OK) {
      self->shadow->pMethods = nullptr;
      release(*self);
      self->~file();
      f->pMethods = nullptr;
      return rc;
    }
    f->pMethods = io_methods();
    return SQLITE_OK;
  }
  static int fail_open(sqlite3_file* f) {
    of(f).~file();
    f->pMethods = nullptr;
    return SQLITE_CANTOPEN;
  }
  static int remove(sqlite3_vfs* v, const char* name, int sync_dir) {
    port_vfs& owner = owner_of(v);
    const fs::path path(name);
    {
      // A handle still open on the deleted file keeps its descriptor; a new open of the name gets a new one.
      std::lock_guard lock(owner.shared_mutex_);
      owner.shared_.erase(path.string());
    }
    auto present = owner.files_.exists(path);
    if (!present) return SQLITE_IOERR_DELETE;
    if (!*present) return SQLITE_IOERR_DELETE_NOENT;
    if (!owner.files_.unlink(path)) return SQLITE_IOERR_DELETE;
    if (sync_dir != 0 && !owner.files_.sync_directory(path.parent_path())) return SQLITE_IOERR_DIR_FSYNC;
    return SQLITE_OK;
  }
  static int access(sqlite3_vfs* v, const char* name, int flags, int* out) {
    return owner_of(v).base_->xAccess(owner_of(v).base_, name, flags, out);
  }
  static int full_pathname(sqlite3_vfs* v, const char* name, int n, char* out) {
    return owner_of(v).base_->xFullPathname(owner_of(v).base_, name, n, out);
  }
  static int randomness(sqlite3_vfs* v, int n, char* out) {
    return owner_of(v).base_->xRandomness(owner_of(v).base_, n, out);
  }
  static int sleep(sqlite3_vfs* v, int us) { return owner_of(v).base_->xSleep(owner_of(v).base_, us); }
  static int current_time(sqlite3_vfs* v, double* out) {
    return owner_of(v).base_->xCurrentTime(owner_of(v).base_, out);
  }
  static int last_error(sqlite3_vfs* v, int n, char* out) {
    return owner_of(v).base_->xGetLastError(owner_of(v).base_, n, out);
  }
  static int current_time_int64(sqlite3_vfs* v, sqlite3_int64* out) {
    return owner_of(v).base_->xCurrentTimeInt64(owner_of(v).base_, out);
  }
};

core::expected<std::unique_ptr<port_vfs>> port_vfs::create(std::string name, core::file_system& files) {
  std::unique_ptr<port_vfs> self(new port_vfs(std::move(name), files));
  self->base_ = sqlite3_vfs_find(nullptr);
  if (self->base_ == nullptr) return core::fail(core::errc::internal, "register VFS " + self->name_ + ": no default VFS");
  sqlite3_vfs& v = self->vfs_;
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(port_vfs_hooks::shadow_offset) + self->base_->szOsFile;
  v.mxPathname = self->base_->mxPathname;
  v.zName = self->name_.c_str();
  v.pAppData = self.get();
  v.xOpen = port_vfs_hooks::open;
  v.xDelete = port_vfs_hooks::remove;
  v.xAccess = port_vfs_hooks::access;
  v.xFullPathname = port_vfs_hooks::full_pathname;
  v.xRandomness = port_vfs_hooks::randomness;
  v.xSleep = port_vfs_hooks::sleep;
  v.xCurrentTime = port_vfs_hooks::current_time;
  v.xGetLastError = port_vfs_hooks::last_error;
  v.xCurrentTimeInt64 = port_vfs_hooks::current_time_int64;
  if (const int rc = sqlite3_vfs_register(&v, 0); rc != SQLITE_OK)
    return core::fail(core::errc::internal, "register VFS " + self->name_ + ": " + sqlite3_errstr(rc));
  self->registered_ = true;
  return self;
}

port_vfs::~port_vfs() {
  if (registered_) sqlite3_vfs_unregister(&vfs_);
}

}  // namespace bodycam::common::sqlite
