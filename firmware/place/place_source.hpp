// The port through which the recorder learns where the camera is: the latest sample, taken at any time from
// any thread without waiting for the receiver. Adapters: gpsd_place_source (libgps, its own thread) and
// null_place_source (no receiver configured, or a build without libgps).
#pragma once

#include "firmware/place/place_sample.hpp"

#include <string>

namespace bodycam::firmware::place {

class place_source {
 public:
  virtual ~place_source() = default;
  // Never blocks on the receiver; thread-safe.
  [[nodiscard]] virtual place_sample latest() const = 0;
  // For logs: "gpsd 127.0.0.1:2947", "none".
  [[nodiscard]] virtual std::string name() const = 0;
};

// No receiver: the source is down with a fixed reason. The recorder writes no place records for it.
class null_place_source final : public place_source {
 public:
  [[nodiscard]] place_sample latest() const override { return {false, "no place source configured", {}}; }
  [[nodiscard]] std::string name() const override { return "none"; }
};

}  // namespace bodycam::firmware::place
