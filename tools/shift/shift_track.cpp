// The simulated shift's GNSS track and its gpsfake feed (shift_track.hpp).
#include "tools/shift/shift_track.hpp"

#include "common/core/durable_file.hpp"

#include <signal.h>

#include <cstdio>
#include <fstream>

namespace bodycam::tools::shift {

namespace core = common::core;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string nmea(const std::string& body) {
  unsigned sum = 0;
  for (const char c : body) sum ^= static_cast<unsigned char>(c);
  char tail[8];
  std::snprintf(tail, sizeof tail, "*%02X\r\n", sum);
  return "$" + body + tail;
}

// Degrees as NMEA's ddmm.mmmm / dddmm.mmmm.
std::string nmea_angle(double degrees, int degree_digits) {
  const int whole = static_cast<int>(degrees);
  char text[400];  // room for any double in %f, so the compiler can prove no truncation
  std::snprintf(text, sizeof text, "%0*d%07.4f", degree_digits, whole, (degrees - whole) * 60.0);
  return text;
}

// The gpsd that gpsfake started for `port` ("-S PORT" on its command line), 0 if none.
int gpsd_of_port(std::uint16_t port) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), {});
    const std::string program = cmdline.substr(0, cmdline.find('\0'));
    for (auto& c : cmdline)
      if (c == '\0') c = ' ';
    if (program.ends_with("/gpsd") && cmdline.find(" -S " + std::to_string(port) + " ") != std::string::npos)
      return std::stoi(name);
  }
  return 0;
}

}  // namespace

std::string simulated_track_nmea() {
  std::string out;
  for (int t = 0; t < 66; ++t) {
    char time[32];
    std::snprintf(time, sizeof time, "1200%02d.00", t);
    const bool fixed = t < 40 || t >= 46;
    if (fixed) {
      const std::string lat = nmea_angle(48.1372, 2), lon = nmea_angle(11.5755 + 0.00001 * t, 3);
      out += nmea(std::string("GPRMC,") + time + ",A," + lat + ",N," + lon + ",E,1.5,90.0,051226,,,A");
      out += nmea(std::string("GPGGA,") + time + "," + lat + ",N," + lon + ",E,1,08,0.9,519.0,M,47.0,M,,");
    } else {
      out += nmea(std::string("GPRMC,") + time + ",V,,,,,,,051226,,,N");
      out += nmea(std::string("GPGGA,") + time + ",,,,,0,00,99.9,,M,,M,,");
    }
  }
  return out;
}

std::string place_config_text(std::uint16_t gpsd_port) {
  return "[place]\nsource = \"gpsd\"\ngpsd_host = \"127.0.0.1\"\ngpsd_port = " + std::to_string(gpsd_port) +
         "\ninterval_seconds = 10\nhold_seconds = 2\nstale_seconds = 5\n";
}

core::expected<track_feed> track_feed::start(std::uint16_t port, const fs::path& track_file, const fs::path& log) {
  const std::string track = simulated_track_nmea();
  if (auto ok = core::write_file_durably(
          track_file, core::byte_view(reinterpret_cast<const std::uint8_t*>(track.data()), track.size()), {});
      !ok)
    return std::unexpected(ok.error());
  auto child = child_process::start({"gpsfake", "-q", "-c", "0.5", "-P", std::to_string(port), track_file.string()}, log);
  if (!child)
    return core::fail(child.error().code, "start gpsfake for the simulated GNSS track: " + child.error().context +
                                              " (gpsfake is in Debian's gpsd-clients, gpsd in gpsd; scripts/install-deps "
                                              "installs both)");
  return track_feed(port, std::move(*child));
}

void track_feed::stop() {
  if (!gpsfake_) return;
  (void)gpsfake_->stop(3s);
  gpsfake_.reset();
  if (const int gpsd = gpsd_of_port(port_); gpsd > 0) ::kill(gpsd, SIGKILL);
}

track_feed::track_feed(track_feed&& other) noexcept : port_(other.port_), gpsfake_(std::move(other.gpsfake_)) {
  other.gpsfake_.reset();  // the moved-from feed owns nothing to stop
}

track_feed& track_feed::operator=(track_feed&& other) noexcept {
  if (this != &other) {
    stop();
    port_ = other.port_;
    gpsfake_ = std::move(other.gpsfake_);
    other.gpsfake_.reset();
  }
  return *this;
}

track_feed::~track_feed() { stop(); }

}  // namespace bodycam::tools::shift
