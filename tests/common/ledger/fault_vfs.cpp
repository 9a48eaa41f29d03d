// The fault-injection VFS; see fault_vfs.hpp. Every hook forwards to the default VFS's file unless the
// armed fault says this call fails. Undo logs are kept per path so a power cut can restore each file to
// what its last successful xSync made durable.
#include "tests/common/ledger/fault_vfs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <utility>

namespace bodycam::tests::ledger {

// What SQLite allocates for each open file: this header, then (aligned) the default VFS's own file.
struct fault_vfs::file {
  sqlite3_file base;  // first member: the pointer SQLite holds
  fault_vfs* owner;
  std::string* path;  // empty for temporary files
  sqlite3_file* real;
};

struct fault_vfs_hooks {
  static constexpr std::size_t real_file_offset =
      (sizeof(fault_vfs::file) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) * alignof(std::max_align_t);

  static fault_vfs& owner_of(sqlite3_vfs* v) { return *static_cast<fault_vfs*>(v->pAppData); }
  static sqlite3_vfs* base_of(sqlite3_vfs* v) { return owner_of(v).base_; }
  static fault_vfs::file& of(sqlite3_file* f) { return *reinterpret_cast<fault_vfs::file*>(f); }
  static sqlite3_file* real(sqlite3_file* f) { return of(f).real; }
  static const sqlite3_io_methods* real_methods(sqlite3_file* f) { return real(f)->pMethods; }

  // ── files ──
  static int close(sqlite3_file* f) {
    fault_vfs::file& self = of(f);
    const int rc = real_methods(f)->xClose(real(f));
    delete self.path;
    self.path = nullptr;
    return rc;
  }
  static int read(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
    if (of(f).owner->powered_off_) return SQLITE_IOERR_READ;
    return real_methods(f)->xRead(real(f), out, amount, offset);
  }
  static int write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
    fault_vfs& owner = *of(f).owner;
    if (owner.should_fail(fault_vfs::call::write)) return SQLITE_IOERR_WRITE;
    if (!of(f).path->empty()) owner.remember(*of(f).path, real(f), offset, amount);
    return real_methods(f)->xWrite(real(f), data, amount, offset);
  }
  static int truncate(sqlite3_file* f, sqlite3_int64 size) {
    fault_vfs& owner = *of(f).owner;
    if (owner.powered_off_) return SQLITE_IOERR_TRUNCATE;
    sqlite3_int64 current = 0;
    if (!of(f).path->empty() && real_methods(f)->xFileSize(real(f), &current) == SQLITE_OK && size < current)
      owner.remember(*of(f).path, real(f), size, current - size);
    return real_methods(f)->xTruncate(real(f), size);
  }
  static int sync(sqlite3_file* f, int flags) {
    fault_vfs& owner = *of(f).owner;
    if (owner.should_fail(fault_vfs::call::sync)) return SQLITE_IOERR_FSYNC;
    const int rc = real_methods(f)->xSync(real(f), flags);
    if (rc == SQLITE_OK && !of(f).path->empty()) owner.undo_.erase(*of(f).path);
    return rc;
  }
  static int file_size(sqlite3_file* f, sqlite3_int64* size) { return real_methods(f)->xFileSize(real(f), size); }
  static int lock(sqlite3_file* f, int level) { return real_methods(f)->xLock(real(f), level); }
  static int unlock(sqlite3_file* f, int level) { return real_methods(f)->xUnlock(real(f), level); }
  static int check_reserved_lock(sqlite3_file* f, int* out) {
    return real_methods(f)->xCheckReservedLock(real(f), out);
  }
  static int file_control(sqlite3_file* f, int op, void* arg) {
    return real_methods(f)->xFileControl(real(f), op, arg);
  }
  static int sector_size(sqlite3_file* f) { return real_methods(f)->xSectorSize(real(f)); }
  static int device_characteristics(sqlite3_file* f) { return real_methods(f)->xDeviceCharacteristics(real(f)); }
  static int shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** out) {
    if (of(f).owner->powered_off_) return SQLITE_IOERR_SHMMAP;
    return real_methods(f)->xShmMap(real(f), page, page_size, extend, out);
  }
  static int shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return real_methods(f)->xShmLock(real(f), offset, n, flags);
  }
  static void shm_barrier(sqlite3_file* f) { real_methods(f)->xShmBarrier(real(f)); }
  static int shm_unmap(sqlite3_file* f, int delete_flag) { return real_methods(f)->xShmUnmap(real(f), delete_flag); }
  static int fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
    if (real_methods(f)->iVersion < 3) {
      *out = nullptr;
      return SQLITE_OK;
    }
    return real_methods(f)->xFetch(real(f), offset, amount, out);
  }
  static int unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
    if (real_methods(f)->iVersion < 3) return SQLITE_OK;
    return real_methods(f)->xUnfetch(real(f), offset, p);
  }

  static constexpr sqlite3_io_methods methods{
      3,
      &close,
      &read,
      &write,
      &truncate,
      &sync,
      &file_size,
      &lock,
      &unlock,
      &check_reserved_lock,
      &file_control,
      &sector_size,
      &device_characteristics,
      &shm_map,
      &shm_lock,
      &shm_barrier,
      &shm_unmap,
      &fetch,
      &unfetch,
  };

  // ── the VFS ──
  static int open(sqlite3_vfs* v, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
    fault_vfs& owner = owner_of(v);
    fault_vfs::file& self = of(f);
    self.base.pMethods = nullptr;
    if (owner.powered_off_) return SQLITE_CANTOPEN;
    self.owner = &owner;
    self.real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<unsigned char*>(f) + real_file_offset);
    const int rc = owner.base_->xOpen(owner.base_, name, self.real, flags, out_flags);
    if (rc != SQLITE_OK) {
      // The base VFS may have set its methods even on failure; SQLite then expects xClose to be called.
      if (self.real->pMethods != nullptr) self.real->pMethods->xClose(self.real);
      return rc;
    }
    self.path = new std::string(name != nullptr ? name : "");
    self.base.pMethods = &methods;
    return SQLITE_OK;
  }
  static int del(sqlite3_vfs* v, const char* name, int sync_dir) {
    fault_vfs& owner = owner_of(v);
    if (owner.powered_off_) return SQLITE_IOERR_DELETE;
    const int rc = owner.base_->xDelete(owner.base_, name, sync_dir);
    if (rc == SQLITE_OK) owner.undo_.erase(name);
    return rc;
  }
  static int access(sqlite3_vfs* v, const char* name, int flags, int* out) {
    return base_of(v)->xAccess(base_of(v), name, flags, out);
  }
  static int full_pathname(sqlite3_vfs* v, const char* name, int size, char* out) {
    return base_of(v)->xFullPathname(base_of(v), name, size, out);
  }
  static void* dl_open(sqlite3_vfs* v, const char* name) { return base_of(v)->xDlOpen(base_of(v), name); }
  static void dl_error(sqlite3_vfs* v, int size, char* out) { base_of(v)->xDlError(base_of(v), size, out); }
  static void (*dl_sym(sqlite3_vfs* v, void* handle, const char* symbol))(void) {
    return base_of(v)->xDlSym(base_of(v), handle, symbol);
  }
  static void dl_close(sqlite3_vfs* v, void* handle) { base_of(v)->xDlClose(base_of(v), handle); }
  static int randomness(sqlite3_vfs* v, int size, char* out) { return base_of(v)->xRandomness(base_of(v), size, out); }
  static int sleep(sqlite3_vfs* v, int microseconds) { return base_of(v)->xSleep(base_of(v), microseconds); }
  static int current_time(sqlite3_vfs* v, double* out) { return base_of(v)->xCurrentTime(base_of(v), out); }
  static int get_last_error(sqlite3_vfs* v, int size, char* out) {
    return base_of(v)->xGetLastError(base_of(v), size, out);
  }
  static int current_time_int64(sqlite3_vfs* v, sqlite3_int64* out) {
    return base_of(v)->xCurrentTimeInt64(base_of(v), out);
  }
};

fault_vfs::fault_vfs(std::string name) : name_(std::move(name)) {}

common::core::expected<std::unique_ptr<fault_vfs>> fault_vfs::create(std::string name) {
  std::unique_ptr<fault_vfs> out(new fault_vfs(std::move(name)));
  out->base_ = sqlite3_vfs_find(nullptr);
  if (out->base_ == nullptr || out->base_->iVersion < 2)
    return common::core::fail(common::core::errc::internal, "fault vfs: no default SQLite VFS of version 2 or later");
  sqlite3_vfs& v = out->vfs_;
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(fault_vfs_hooks::real_file_offset) + out->base_->szOsFile;
  v.mxPathname = out->base_->mxPathname;
  v.zName = out->name_.c_str();
  v.pAppData = out.get();
  v.xOpen = &fault_vfs_hooks::open;
  v.xDelete = &fault_vfs_hooks::del;
  v.xAccess = &fault_vfs_hooks::access;
  v.xFullPathname = &fault_vfs_hooks::full_pathname;
  v.xDlOpen = &fault_vfs_hooks::dl_open;
  v.xDlError = &fault_vfs_hooks::dl_error;
  v.xDlSym = &fault_vfs_hooks::dl_sym;
  v.xDlClose = &fault_vfs_hooks::dl_close;
  v.xRandomness = &fault_vfs_hooks::randomness;
  v.xSleep = &fault_vfs_hooks::sleep;
  v.xCurrentTime = &fault_vfs_hooks::current_time;
  v.xGetLastError = &fault_vfs_hooks::get_last_error;
  v.xCurrentTimeInt64 = &fault_vfs_hooks::current_time_int64;
  if (const int rc = sqlite3_vfs_register(&v, 0); rc != SQLITE_OK)
    return common::core::fail(common::core::errc::internal,
                              "register fault vfs " + out->name_ + ": " + sqlite3_errstr(rc));
  out->registered_ = true;
  return out;
}

fault_vfs::~fault_vfs() {
  if (registered_) sqlite3_vfs_unregister(&vfs_);
}

void fault_vfs::arm(fault f) noexcept {
  disarm();
  armed_ = f;
  is_armed_ = true;
}

void fault_vfs::disarm() noexcept {
  is_armed_ = false;
  fired_ = false;
  powered_off_ = false;
  writes_ = 0;
  syncs_ = 0;
  undone_writes_ = 0;
  undo_.clear();
}

bool fault_vfs::should_fail(call c) noexcept {
  if (powered_off_) return true;
  const std::uint64_t n = c == call::write ? ++writes_ : ++syncs_;
  if (!is_armed_ || armed_.on != c) return fired_ && armed_.what == effect::fail_from_then_on;
  if (n < armed_.nth) return false;
  if (n > armed_.nth) return armed_.what == effect::fail_from_then_on;
  fired_ = true;
  if (armed_.what == effect::power_cut) cut_power();
  return true;
}

void fault_vfs::remember(const std::string& path, sqlite3_file* real, std::int64_t offset, std::int64_t length) {
  sqlite3_int64 size = 0;
  if (real->pMethods->xFileSize(real, &size) != SQLITE_OK) return;
  auto [it, inserted] = undo_.try_emplace(path);
  if (inserted) it->second.synced_size = size;
  undo_entry entry;
  entry.offset = offset;
  if (offset < size) {
    entry.old_bytes.resize(static_cast<std::size_t>(std::min<std::int64_t>(length, size - offset)));
    (void)real->pMethods->xRead(real, entry.old_bytes.data(), static_cast<int>(entry.old_bytes.size()), offset);
  }
  it->second.entries.push_back(std::move(entry));
}

void fault_vfs::cut_power() noexcept {
  powered_off_ = true;
  for (auto& [path, log] : undo_) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) continue;
    for (auto it = log.entries.rbegin(); it != log.entries.rend(); ++it) {
      if (!it->old_bytes.empty()) (void)!::pwrite(fd, it->old_bytes.data(), it->old_bytes.size(), it->offset);
      ++undone_writes_;
    }
    (void)!::ftruncate(fd, log.synced_size);
    ::close(fd);
  }
  undo_.clear();
}

}  // namespace bodycam::tests::ledger
