// The place source that reads gpsd through Debian's libgps: a thread of its own connects (gps_open),
// asks for the JSON stream (gps_stream), waits for reports (gps_waiting) and reads them (gps_read); the
// recorder only ever takes the latest sample, so a slow, absent or dying gpsd never blocks recording.
// Invariants:
//  1. The gps_data_t is open exactly while `session` holds it (RAII, gps_close in its deleter) and is used
//     only by the reader thread.
//  2. While gpsd cannot be reached the sample says source down with the reason; the thread retries every
//     `retry` without flooding anything (the policy records the loss once).
//  3. A fix older than settings.stale_after counts as no fix (a receiver that stopped reporting).
//  4. The destructor stops and joins the thread within about one poll period (200 ms).
#pragma once

#include "firmware/place/place_settings.hpp"
#include "firmware/place/place_source.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

struct gps_data_t;  // libgps, <gps.h>; only the .cpp includes it

namespace bodycam::firmware::place {

class gpsd_place_source final : public place_source {
 public:
  // Starts the reader thread at once; `retry` is the pause between connection attempts.
  explicit gpsd_place_source(const place_settings& settings,
                             std::chrono::milliseconds retry = std::chrono::milliseconds(1000));
  gpsd_place_source(const gpsd_place_source&) = delete;
  gpsd_place_source& operator=(const gpsd_place_source&) = delete;
  ~gpsd_place_source() override;

  [[nodiscard]] place_sample latest() const override;
  [[nodiscard]] std::string name() const override;
  // Reports read since start (TPV with a mode), for tests and diagnosis.
  [[nodiscard]] std::uint64_t reports_read() const noexcept { return reports_.load(); }

 private:
  void run();
  void read_connected(::gps_data_t& data);
  void set_down(std::string why);
  void sleep_for(std::chrono::milliseconds pause) const;

  place_settings settings_;
  std::chrono::milliseconds retry_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> reports_{0};
  mutable std::mutex mutex_;
  place_sample sample_;
  std::chrono::steady_clock::time_point fix_at_{};
  std::thread thread_;
};

}  // namespace bodycam::firmware::place
