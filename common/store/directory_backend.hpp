// The default store backend: the layout of docs/formats/store.md in a local directory, one file per key.
// How it keeps the store_backend contract (numbers of store_backend.hpp in brackets):
//  D1. A create writes a temp file `.tmp-<16 hex>` in the key's own folder, hashes while writing, checks the
//      digest, fsyncs the file, link()s it to the key's name and fsyncs the folder; link() fails on an existing
//      name, so two writers cannot both win and nothing is ever replaced [1, 2, 3, 4, 5].
//  D2. A name that already exists is answered `already_exists` only after its folder is fsynced, in case its
//      creator crashed between link() and that fsync [5].
//  D3. Temp names start with '.', which no key component can, so a temp file is never listed, opened or
//      counted as stored. A failed create removes its temp file; one killed mid-way leaves it for recover().
//  D4. recover() removes temp files only while holding store.lock exclusively, and every create holds it
//      shared from making its temp file to removing it: a temp file recover() sees belongs to a dead writer.
//  D5. Every path is opened component by component from the root with O_NOFOLLOW: a symlink planted inside
//      the store is refused, never followed, so no key reaches outside the root.
//  D6. Least privilege: stored files (and store.json) are mode 0440 and folders 2750, all in the group of the
//      store's root (the setgid bit makes new folders and files inherit it; settle_access gives it where it
//      did not), so the dock's user writes, the console's group reads, and others have no access at all.
//      The people's registers (access/, retention/, notes/) are 3770: the console's group adds entries there,
//      and the sticky bit lets no one but an entry's owner unlink or rename it. store.lock is 0640. No mkdir
//      asks for the setgid bit and nothing already in its mode is chmod-ed, so in a root made 2750 beforehand
//      (the packages do) under a umask of 0007 a daemon that systemd forbids to set setgid bits
//      (RestrictSUIDSGID=) makes the whole layout by inheritance alone. Folders a create needs
//      (records/<device>) are made, settled and their parent fsynced before the file is written.
//  D7. store.json is written last when a layout is made, so a directory without it is not a store; opening
//      checks its format and version, and refuses to make a store in a non-empty directory that is not one.
//      Making a layout sets the root to 2750, keeping its owner and group.
//  D8. remove unlinks the key's file (never following a symlink) and fsyncs its folder before it returns.
//  D9. adopt (directory_adopt.cpp) takes a file on the store's own file system only (same st_dev; else, or on
//      EXDEV, it answers nullopt and the caller creates from the bytes). It checks the file's size, makes it
//      0440 in the store's group (where the process may not give that group, it answers nullopt and the
//      caller creates by copy, which inherits it), fsyncs it, moves it into the key's folder with
//      renameat2(RENAME_NOREPLACE) (link + unlink where that flag is missing), checks the name now holds the
//      inode it checked, and fsyncs the folder. An existing name is never replaced: it is `already_exists`
//      after D2. Killed at any point, the key is absent (the file still at its old name, complete and synced)
//      or complete. Fault steps: sync_file, link (the move), sync_directory.
//  D10. open refuses (errc::permission, naming the root, its mode and the chmod) a root that others may read,
//       write or enter: such a store lets anyone on the machine copy footage past the access register.
#pragma once

#include "common/core/unique_fd.hpp"
#include "common/store/store.hpp"

#include <sys/types.h>

#include <filesystem>
#include <functional>

namespace bodycam::common::store {

inline constexpr std::string_view store_marker_name = "store.json";
inline constexpr std::string_view store_marker_content = "{\"format\":\"bodycam-store\",\"version\":1}\n";
inline constexpr std::string_view store_lock_name = "store.lock";
inline constexpr std::string_view temp_name_prefix = ".tmp-";
inline constexpr mode_t stored_file_mode = 0440;    // D6
inline constexpr mode_t store_folder_mode = 02750;  // D6: rwx owner, r-x group, setgid, nothing for others
// D6: the registers people add to through the console (access, retention, notes): the group may add entries,
// the sticky bit keeps anyone but an entry's owner from removing or renaming one.
inline constexpr mode_t register_folder_mode = 03770;
// The mode of the store folder at `folder` ("access", "records/cam-1"): register_folder_mode or store_folder_mode.
[[nodiscard]] mode_t folder_mode_of(std::string_view folder) noexcept;
inline constexpr mode_t store_lock_mode = 0640;

// The system calls of a create, in order, at which a test can inject a failure (fault_injector).
enum class write_step { make_directory, create_temp, write, sync_file, link, sync_directory };
[[nodiscard]] std::string_view to_string(write_step step) noexcept;
// Called before each step; returns 0 to go on, or an errno value the step then fails with as if the system
// call had returned it. Tests only; production leaves it empty.
using fault_injector = std::function<int(write_step step, const store_key& key)>;

struct directory_store_options {
  bool create = false;               // make the layout if the root is missing or empty
  std::uint64_t min_free_bytes = 0;  // refuse (no_space) a create that would leave less free on the disk
  fault_injector faults;
};

class directory_backend final : public store_backend {
 public:
  [[nodiscard]] static core::expected<std::unique_ptr<directory_backend>> open(const std::filesystem::path& root,
                                                                               directory_store_options options);

  [[nodiscard]] core::expected<create_outcome> create(const store_key& key, byte_source& source,
                                                      const crypto::sha256_digest& expected_sha256) override;
  [[nodiscard]] core::expected<std::optional<create_outcome>> adopt(const store_key& key,
                                                                    const adoptable_file& file) override;
  [[nodiscard]] core::expected<std::unique_ptr<object_reader>> open(const store_key& key) const override;
  [[nodiscard]] core::expected<core::byte_buffer> read_range(const store_key& key, std::uint64_t offset,
                                                             std::size_t length) const override;
  [[nodiscard]] core::expected<std::optional<std::uint64_t>> stat(const store_key& key) const override;
  [[nodiscard]] core::status list(const store_key& folder, const list_visitor& visit) const override;
  [[nodiscard]] core::expected<space_info> space() const override;
  [[nodiscard]] core::status remove(const store_key& key) override;
  [[nodiscard]] core::expected<recovery_report> recover() override;
  [[nodiscard]] std::string describe() const override { return "directory store " + root_.string(); }

  [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }
  // The file that holds `key` (for messages, and for tests that tamper behind the store's back).
  [[nodiscard]] std::filesystem::path path_of(const store_key& key) const { return root_ / key.str(); }

 private:
  directory_backend(std::filesystem::path root, core::unique_fd root_fd, gid_t group,
                    directory_store_options options) noexcept
      : root_(std::move(root)), root_fd_(std::move(root_fd)), group_(group), options_(std::move(options)) {}

  // The folder `folder` ("" = the root), opened without following symlinks. With `making_for`, missing
  // folders are made (for that key's create); without, a missing folder is errc::not_found.
  [[nodiscard]] core::expected<core::unique_fd> open_folder(std::string_view folder,
                                                            const store_key* making_for = nullptr) const;
  [[nodiscard]] core::expected<core::unique_fd> open_leaf(const store_key& key, std::uint64_t& size) const;
  [[nodiscard]] core::expected<core::unique_fd> lock_store(int operation) const;
  [[nodiscard]] core::status check_reserve(std::optional<std::uint64_t> size, const std::string& what) const;
  [[nodiscard]] int injected(write_step step, const store_key& key) const;
  [[nodiscard]] std::string name_of(const store_key& key) const;
  [[nodiscard]] core::status scan_folder(const std::string& folder, recovery_report& report,
                                         const std::function<bool(std::string_view, bool is_folder)>& belongs) const;

  std::filesystem::path root_;
  core::unique_fd root_fd_;
  gid_t group_;  // the root's group: D6 gives it to everything the store makes
  directory_store_options options_;
};

[[nodiscard]] core::expected<store> open_directory_store(const std::filesystem::path& root, bool create);
[[nodiscard]] core::expected<store> open_directory_store(const std::filesystem::path& root,
                                                         directory_store_options options);

}  // namespace bodycam::common::store
