// Adapter: the battery as Linux sysfs shows it (<root>/class/power_supply/<name>/{type,capacity,status,
// voltage_now}). The root is configuration (checks.sysfs_root), so tests point it at a fake tree in a temp
// directory. Garbage never crashes and never becomes a number: it ends up in battery_reading::problem with
// the file and the text found ("…/BAT0/capacity: 'abc' is not a number").
#pragma once

#include "firmware/session/precheck.hpp"

#include <filesystem>

namespace bodycam::firmware::session {

// The first supply whose `type` is "Battery" (names sorted); present=false if there is none.
[[nodiscard]] battery_reading read_battery(const std::filesystem::path& sysfs_root);

// Parses a sysfs integer attribute's text ("87\n"); nullopt for anything else (pure, for tests).
[[nodiscard]] std::optional<long long> parse_sysfs_integer(std::string_view text) noexcept;

}  // namespace bodycam::firmware::session
