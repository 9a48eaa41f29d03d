// The storage engine's legal holds `bodycam retention` places: placing or releasing the store's
// legal holds (store_backend.hpp invariant 10) on the items a hold keeps (tools/retention/legal_hold_items.hpp).
// On a store whose backend has no legal holds (directory, memory) placing them does nothing and says so.
#pragma once

#include "common/store/store.hpp"
#include "tools/retention/hold_scope.hpp"
#include "tools/retention/legal_hold_items.hpp"

#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::verbs {

// Places (`on`) or releases the store's legal hold on every item; stops at the first failure, naming the item.
// Returns the line to print ("legal holds: placed on 3 object(s) and 9 record(s) of s3 store …"), or nullopt
// when the backend has no legal holds.
[[nodiscard]] common::core::expected<std::optional<std::string>> apply_legal_holds(
    common::store::store& s, const retention::held_items& items, bool on);

}  // namespace bodycam::tools::verbs
