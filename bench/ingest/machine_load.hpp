// What the ingest benchmarks print beside each figure: the machine's `uptime` load average at that moment
// (docs/performance.md names it with every figure).
#pragma once

#include <fstream>
#include <string>

namespace bodycam::bench {

// "1.23 0.98 0.75" from /proc/loadavg; empty fields if it cannot be read.
inline std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

}  // namespace bodycam::bench
