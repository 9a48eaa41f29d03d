// The gpsd adapter (gpsd_place_source.hpp): libgps on its own thread, one RAII handle per connection.
#include "firmware/place/gpsd_place_source.hpp"

#include <gps.h>

#include <cerrno>
#include <cmath>
#include <cstring>

namespace bodycam::firmware::place {

namespace {

struct gps_closer {
  void operator()(gps_data_t* data) const noexcept {
    (void)gps_close(data);
    delete data;
  }
};
using gps_session_ptr = std::unique_ptr<gps_data_t, gps_closer>;

constexpr int wait_microseconds = 200'000;

std::string open_error(int code) {
  // gps_open returns -1 with errno set for socket errors, or one of libgps' own negative codes.
  if (code == -1 && errno != 0) return std::strerror(errno);
  return gps_errstr(code);
}

common::record::utc_time fix_time(const gps_data_t& data) {
  if (!(data.set & TIME_SET)) return {};
  return common::record::utc_time(std::chrono::seconds(data.fix.time.tv_sec) +
                                  std::chrono::nanoseconds(data.fix.time.tv_nsec));
}

}  // namespace

gpsd_place_source::gpsd_place_source(const place_settings& settings, std::chrono::milliseconds retry)
    : settings_(settings), retry_(retry) {
  sample_ = {false, "gpsd " + settings_.gpsd_host + ":" + std::to_string(settings_.gpsd_port) + ": not connected yet", {}};
  thread_ = std::thread([this] { run(); });
}

gpsd_place_source::~gpsd_place_source() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
}

std::string gpsd_place_source::name() const {
  return "gpsd " + settings_.gpsd_host + ":" + std::to_string(settings_.gpsd_port);
}

place_sample gpsd_place_source::latest() const {
  std::lock_guard lock(mutex_);
  place_sample s = sample_;
  if (s.source_up && s.fix.quality != common::record::fix_quality::none &&
      std::chrono::steady_clock::now() - fix_at_ > settings_.stale_after)  // invariant 3
    s.fix = {};
  return s;
}

void gpsd_place_source::set_down(std::string why) {
  std::lock_guard lock(mutex_);
  sample_ = {false, name() + ": " + std::move(why), {}};
}

void gpsd_place_source::sleep_for(std::chrono::milliseconds pause) const {
  const auto until = std::chrono::steady_clock::now() + pause;
  while (!stopping_.load() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

void gpsd_place_source::run() {
  const std::string port = std::to_string(settings_.gpsd_port);
  while (!stopping_.load()) {
    gps_session_ptr session(new gps_data_t{});
    errno = 0;
    if (const int rc = gps_open(settings_.gpsd_host.c_str(), port.c_str(), session.get()); rc != 0) {
      delete session.release();  // not open: nothing to close (invariant 1)
      set_down("connect: " + open_error(rc));
      sleep_for(retry_);  // invariant 2
      continue;
    }
    if (gps_stream(session.get(), WATCH_ENABLE | WATCH_JSON, nullptr) != 0) {
      set_down("start the report stream: " + std::string(gps_errstr(errno)));
      session.reset();
      sleep_for(retry_);
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      sample_ = {true, "", {}};
    }
    read_connected(*session);
    session.reset();
    if (!stopping_.load()) sleep_for(retry_);
  }
}

void gpsd_place_source::read_connected(gps_data_t& data) {
  while (!stopping_.load()) {
    errno = 0;
    if (!gps_waiting(&data, wait_microseconds)) {
      if (errno != 0 && errno != EINTR && errno != EAGAIN) return set_down("wait for a report: " + std::string(std::strerror(errno)));
      continue;
    }
    data.set = 0;  // only what this report carries
    if (gps_read(&data, nullptr, 0) < 0) return set_down("connection closed");
    if (!(data.set & MODE_SET)) continue;
    const place_fix fix = place_fix_from_gpsd(data.fix.mode, data.fix.latitude, data.fix.longitude, data.fix.altMSL,
                                              data.fix.eph, fix_time(data));
    reports_.fetch_add(1);
    std::lock_guard lock(mutex_);
    sample_ = {true, "", fix};
    fix_at_ = std::chrono::steady_clock::now();
  }
}

}  // namespace bodycam::firmware::place
