// The signed release of a hold, as an entry of the retention register (docs/formats/access-register.md §3
// rule 3): kind hold, the scopes of the hold it ends, and the action "release <clerk>.<seq>" naming that hold
// entry in the same register. A hold is in force from its entry until a release names it; nothing else ends a
// hold. Pure text; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bodycam::tools::registers {

// "release <hold>"; `hold` is "<clerk>.<seq>".
[[nodiscard]] std::string release_action(std::string_view hold);
// The hold a release action names, or nullopt if `action` is not a release.
[[nodiscard]] std::optional<std::string> released_hold(std::string_view action);

}  // namespace bodycam::tools::registers
