// The simulated shift's GNSS: camera 1 (cam-0001) walks down a street while gpsfake (Debian's gpsd-clients)
// replays the track below to a gpsd on 127.0.0.1 and a free port, which the camera's `[place] source =
// "gpsd"` reads. The track has a fix, a few seconds without one and the fix again, so the shift's audit
// shows every kind of place record a real patrol gives.
// Guarantees: nothing is left running — stopping the feed (or destroying it) ends gpsfake and the gpsd it
// started; a missing gpsfake is an error naming the package, never a shift without places.
#pragma once

#include "common/core/error.hpp"
#include "tools/shift/child_process.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace bodycam::tools::shift {

// The NMEA log (RMC + GGA per second): 40 s with a fix walking east from 48.1372 N 11.5755 E, 6 s without a
// fix, 20 s with a fix again (pure).
[[nodiscard]] std::string simulated_track_nmea();

// The recorder's [place] section for a camera that reads gpsd on 127.0.0.1:port (pure).
[[nodiscard]] std::string place_config_text(std::uint16_t gpsd_port);

class track_feed {
 public:
  // Writes the track to `track_file` and starts `gpsfake -c 0.5 -P port` on it (looping), output to `log`.
  [[nodiscard]] static common::core::expected<track_feed> start(std::uint16_t port,
                                                                const std::filesystem::path& track_file,
                                                                const std::filesystem::path& log);
  track_feed(track_feed&& other) noexcept;
  track_feed& operator=(track_feed&& other) noexcept;
  track_feed(const track_feed&) = delete;
  track_feed& operator=(const track_feed&) = delete;
  ~track_feed();

  // SIGTERM to gpsfake (SIGKILL after a grace), then the gpsd it started.
  void stop();

 private:
  track_feed(std::uint16_t port, child_process gpsfake) : port_(port), gpsfake_(std::move(gpsfake)) {}
  std::uint16_t port_ = 0;
  std::optional<child_process> gpsfake_;
};

}  // namespace bodycam::tools::shift
