// reclaim_space: oldest stored files first, a `reclaim` record before any unlink (space_reclaimer.hpp).
#include "firmware/offload/space_reclaimer.hpp"

#include "common/core/durable_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>

namespace bodycam::firmware::offload {

namespace core = common::core;
namespace ledger = common::ledger;
namespace record = common::record;

core::expected<std::uint64_t> space_reclaimer::unlink_file(const std::string& name) {
  const auto path = recording_dir_ / name;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return 0;
    return core::fail_errno("stat reclaimed file", path.string(), errno);
  }
  if (auto ok = disk_.unlink(path); !ok && ok.error().code != core::errc::not_found)
    return core::wrap("unlink reclaimed file", ok.error());
  return static_cast<std::uint64_t>(st.st_size);
}

core::expected<std::uint64_t> space_reclaimer::remove_leftovers() {
  std::vector<ledger::file_entry> reclaimed;
  auto ok = writer_.with_ledger([&](ledger::ledger& l) -> core::status {
    auto files = l.files_in_state(ledger::file_state::reclaimed);
    if (!files) return std::unexpected(files.error());
    reclaimed = std::move(*files);
    return {};
  });
  if (!ok) return std::unexpected(ok.error());
  std::uint64_t freed = 0;
  for (const auto& f : reclaimed) {
    auto n = unlink_file(f.name);
    if (!n) return std::unexpected(n.error());
    freed += *n;
  }
  if (freed > 0) {
    if (auto synced = disk_.sync_directory(recording_dir_); !synced) return std::unexpected(synced.error());
  }
  return freed;
}

core::expected<std::uint64_t> space_reclaimer::reclaim_space(std::uint64_t bytes_wanted) {
  if (bytes_wanted == 0) return 0;  // invariant 3
  auto freed = remove_leftovers();
  if (!freed) return std::unexpected(freed.error());
  if (*freed >= bytes_wanted) return *freed;

  std::vector<ledger::file_entry> stored;
  auto ok = writer_.with_ledger([&](ledger::ledger& l) -> core::status {
    auto files = l.files_in_state(ledger::file_state::stored);  // invariant 2
    if (!files) return std::unexpected(files.error());
    stored = std::move(*files);
    return {};
  });
  if (!ok) return std::unexpected(ok.error());
  std::sort(stored.begin(), stored.end(),
            [](const auto& a, const auto& b) { return a.sealing_seq.value_or(0) < b.sealing_seq.value_or(0); });

  // Oldest first until enough; grouped by the receipt record that allows them (one reclaim record each).
  std::map<std::uint64_t, std::vector<const ledger::file_entry*>> by_receipt;
  std::uint64_t chosen = *freed;
  for (const auto& f : stored) {
    if (chosen >= bytes_wanted) break;
    if (!f.receipt_seq || !f.seal) continue;
    by_receipt[*f.receipt_seq].push_back(&f);
    chosen += f.seal->byte_length;
  }
  for (const auto& [receipt_seq, files] : by_receipt) {
    record::reclaim_payload p;
    p.receipt_seq = receipt_seq;
    for (const auto* f : files) p.files.push_back({f->name, f->seal->byte_length, f->seal->sha256});
    // Invariant 1: the record and the state moves commit together, before any unlink.
    auto appended = writer_.append(std::move(p), [&](ledger::transaction& tx, std::uint64_t seq) -> core::status {
      for (const auto* f : files) {
        auto moved = tx.set_file_state(f->name, {ledger::file_state::reclaimed, seq, std::nullopt});
        if (!moved) return std::unexpected(moved.error());
      }
      return {};
    });
    if (!appended) return core::wrap("record reclaim citing receipt record " + std::to_string(receipt_seq), appended.error());
    for (const auto* f : files) {
      auto n = unlink_file(f->name);
      if (!n) return std::unexpected(n.error());
      *freed += *n;
    }
    if (auto synced = disk_.sync_directory(recording_dir_); !synced) return std::unexpected(synced.error());
  }
  return *freed;
}

}  // namespace bodycam::firmware::offload
