// The retention verb's store reads and legal holds (retention_store.hpp).
#include "tools/verbs/retention_store.hpp"

#include "common/record/record_json.hpp"

#include <type_traits>
#include <variant>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

core::expected<std::optional<std::string>> apply_legal_holds(store::store& s, const retention::held_items& items,
                                                             bool on) {
  std::size_t objects = 0;
  std::size_t records = 0;
  for (const auto& digest : items.objects) {
    auto done = s.set_object_legal_hold(digest, on);
    if (!done) return std::unexpected(done.error());
    if (!*done) return std::optional<std::string>{};  // the backend has no legal holds
    ++objects;
  }
  for (const auto& [device, seq] : items.records) {
    auto done = s.set_record_legal_hold(device, seq, on);
    if (!done) return std::unexpected(done.error());
    if (!*done) return std::optional<std::string>{};
    ++records;
  }
  if (objects + records == 0) return std::optional<std::string>{};
  return std::optional<std::string>{"legal holds:  " + std::string(on ? "placed on " : "released on ") +
                                    std::to_string(objects) + " object(s) and " + std::to_string(records) +
                                    " record(s) of " + s.describe()};
}

}  // namespace bodycam::tools::verbs
