// The store availability probe (store_probe.hpp).
#include "ingest/dockd/store_probe.hpp"

namespace bodycam::ingest::dockd {

namespace core = common::core;

core::status probe_store(common::store::store& store, std::uint64_t min_free_bytes) {
  auto space = store.space();
  if (!space) return core::wrap("probe store " + store.describe(), space.error());
  if (space->available_bytes && *space->available_bytes < min_free_bytes)
    return core::fail(core::errc::no_space, "probe store " + store.describe() + ": " +
                                                std::to_string(*space->available_bytes) + " bytes free, below the " +
                                                std::to_string(min_free_bytes) + " the dock needs to take footage");
  auto listed = store.backend().list(common::store::store_key::keys_folder(),
                                     [](const common::store::list_entry&) { return false; });
  if (!listed) return core::wrap("probe store " + store.describe(), listed.error());
  return {};
}

}  // namespace bodycam::ingest::dockd
