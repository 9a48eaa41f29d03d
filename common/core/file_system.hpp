// The file-system port: every durable byte of the camera (segment files, the ledger through its SQLite VFS,
// durable whole-file writes) reaches the disk through this one interface, so a test can put a power-cut
// simulator underneath and a production build puts the POSIX adapter (posix_file_system) there.
// Contract of an implementation (what callers may rely on, and all they may rely on after a power cut):
//  1. open(create_new) makes a new file and fails with errc::already_exists if the name exists.
//  2. write()/write_at() write all bytes or fail; after a failure the file may hold a prefix of them.
//  3. Bytes written are durable only after datasync()/sync() of that file returned; a new, renamed or
//     unlinked name is durable only after sync_directory() of its directory returned.
//  4. rename() replaces an existing target atomically; rename_no_replace() fails rather than replace.
//  5. Errors name the operation and the file: "fsync ledger.db-wal: Input/output error".
#pragma once

#include "common/core/bytes.hpp"
#include "common/core/error.hpp"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

namespace bodycam::common::core {

enum class open_mode {
  create_new,  // create, refuse an existing name; read and write
  read_write,  // open an existing file, or create it; read and write
  read_only,   // open an existing file for reading
};

class file {
 public:
  virtual ~file() = default;  // closes; never syncs (that is an explicit call)
  // Writes at the current position (which starts at 0 and follows writes and truncate).
  [[nodiscard]] virtual status write(byte_view bytes) = 0;
  [[nodiscard]] virtual status write_at(std::uint64_t offset, byte_view bytes) = 0;
  // Reads up to out.size() bytes at offset; fewer only at the end of the file.
  [[nodiscard]] virtual expected<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) = 0;
  // Sets the length and moves the position there.
  [[nodiscard]] virtual status truncate(std::uint64_t length) = 0;
  [[nodiscard]] virtual expected<std::uint64_t> size() = 0;
  [[nodiscard]] virtual status datasync() = 0;
  [[nodiscard]] virtual status sync() = 0;
  [[nodiscard]] virtual const std::filesystem::path& path() const noexcept = 0;
};

class file_system {
 public:
  virtual ~file_system() = default;
  // A file this call creates gets `mode` filtered by the umask, as open(2) does, or exactly if `exact_mode`.
  [[nodiscard]] virtual expected<std::unique_ptr<file>> open(const std::filesystem::path& path, open_mode how,
                                                             mode_t mode = 0644, bool exact_mode = false) = 0;
  [[nodiscard]] virtual status rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  [[nodiscard]] virtual status rename_no_replace(const std::filesystem::path& from,
                                                 const std::filesystem::path& to) = 0;
  [[nodiscard]] virtual status unlink(const std::filesystem::path& path) = 0;
  [[nodiscard]] virtual status sync_directory(const std::filesystem::path& directory) = 0;
  [[nodiscard]] virtual expected<bool> exists(const std::filesystem::path& path) = 0;
};

}  // namespace bodycam::common::core
