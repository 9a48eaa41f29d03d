// The times people type into the console's filters, read as UTC: "2026-01-10", "2026-01-10T08:00",
// "2026-01-10T08:00:30", each optionally ending in Z (a space may stand for the T). Pure.
// Guarantee: anything else, and any date or time that does not exist (2026-02-30, 24:00), is nullopt.
#pragma once

#include "common/record/payloads.hpp"

#include <optional>
#include <string_view>

namespace bodycam::console::web {

[[nodiscard]] std::optional<common::record::utc_time> parse_filter_time(std::string_view text);

}  // namespace bodycam::console::web
