// The thin I/O behind `bodycam doctor`: each probe looks at one thing on disk and reports plain facts
// (doctor_facts.hpp); none decides whether what it saw is good. Probes never write, with one exception that
// the store itself allows: the write-once probe offers other bytes for a key the store already holds through
// the store's create-only API, which must refuse them and leave the stored bytes as they were.
#pragma once

#include "common/store/store.hpp"
#include "tools/doctor/doctor_facts.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace bodycam::tools::doctor {


[[nodiscard]] std::optional<unsigned> file_mode(const std::filesystem::path& path);
// A directory a daemon writes into: exists, is a directory, writable by this user, or creatable if missing.
[[nodiscard]] path_facts probe_directory(std::string role, const std::filesystem::path& dir);
// A secret key file: present, its mode, loads (common/crypto/key_file), its label and public half.
[[nodiscard]] key_facts probe_key(std::string role, const std::filesystem::path& path);
// A public key file (found=false if it does not exist).
[[nodiscard]] enrollment_facts probe_public_key_file(std::string source, const std::filesystem::path& path);
// keys/<label>.pub in an opened store.
[[nodiscard]] enrollment_facts probe_store_key(const common::store::store& s, const std::string& root,
                                               const std::string& label);
// A trust directory (common/link/key_directory); with a store, each peer's key there too.
[[nodiscard]] peers_facts probe_peers(std::string role, const std::filesystem::path& dir,
                                      const common::store::store* s);

// Upper bound on stored files whose permissions are checked, so a large store is diagnosed in seconds.
inline constexpr std::size_t max_store_files_checked = 20000;

struct opened_store {
  store_facts facts;
  std::unique_ptr<common::store::store> store;  // null unless facts.opened
};
// Opens a directory store without creating it, checks file modes and folder writability, and runs the
// write-once probe on one existing key.
[[nodiscard]] opened_store probe_store(const std::filesystem::path& root);

// The kernel's view of the host clock (adjtimex): synchronized or not, and the error bound.
[[nodiscard]] host_clock_facts probe_host_clock(common::record::utc_time now, common::record::utc_time build_date);

}  // namespace bodycam::tools::doctor
