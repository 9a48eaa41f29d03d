// What the camera's place component is told by the [place] section of the recorder configuration: where the
// position comes from and how often it is written. One definition with its defaults and limits; the config
// parser reads keys into it within these limits, the recorder and the policy use it as given.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace bodycam::firmware::place {

enum class place_source_kind : std::uint8_t { none, gpsd };

struct place_settings {
  place_source_kind source = place_source_kind::none;  // "none": no receiver; no place records are written
  std::string gpsd_host = "127.0.0.1";
  std::uint16_t gpsd_port = 2947;
  // Between two place records of a session while there is a fix (segments and transitions reset it).
  std::chrono::seconds interval{30};
  // How long a new condition (fix, no fix, receiver gone) must last before it is recorded: a flapping fix
  // writes no record per flap.
  std::chrono::seconds hold{5};
  // A fix older than this (no report from gpsd) counts as no fix.
  std::chrono::seconds stale_after{5};
};

inline constexpr std::int64_t min_interval_seconds = 1, max_interval_seconds = 3600;
inline constexpr std::int64_t min_hold_seconds = 0, max_hold_seconds = 600;
inline constexpr std::int64_t min_stale_seconds = 1, max_stale_seconds = 600;

}  // namespace bodycam::firmware::place
