// The times the ledger stores (appended_at, created_at, updated_at): UTC wall-clock milliseconds since the
// Unix epoch, as the device clock saw them. They are bookkeeping for people, not evidence — the signed
// record carries its own claimed time and its source. The clock is a parameter so tests can fix it.
#pragma once

#include <chrono>
#include <functional>

namespace bodycam::common::ledger {

using ledger_time = std::chrono::sys_time<std::chrono::milliseconds>;
using ledger_clock = std::function<ledger_time()>;

[[nodiscard]] inline ledger_time system_ledger_time() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace bodycam::common::ledger
