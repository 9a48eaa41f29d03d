#include "tools/verbs/progress_meter.hpp"

#include <unistd.h>

#include <cstdio>

namespace bodycam::tools::verbs {

namespace {
constexpr auto redraw_interval = std::chrono::milliseconds(200);
}

progress_meter::progress_meter(std::string verb, bool quiet)
    : verb_(std::move(verb)), enabled_(!quiet && ::isatty(STDERR_FILENO) == 1) {}

progress_meter::~progress_meter() { finish(); }

void progress_meter::finish() {
  if (!shown_) return;
  std::fputs("\r\033[K", stderr);  // erase the line
  std::fflush(stderr);
  shown_ = false;
}

void progress_meter::update(const std::string& text) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (shown_ && now - last_ < redraw_interval) return;
  last_ = now;
  shown_ = true;
  std::fprintf(stderr, "\r\033[Kbodycam %s: %s", verb_.c_str(), text.c_str());
  std::fflush(stderr);
}

std::string human_bytes(std::uint64_t bytes) {
  static constexpr const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1000.0 && unit + 1 < std::size(units)) {
    value /= 1000.0;
    ++unit;
  }
  char text[32];
  if (unit == 0 || value >= 10.0)
    std::snprintf(text, sizeof text, "%.0f %s", value, units[unit]);
  else
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

}  // namespace bodycam::tools::verbs
