// The one computed value of a dock_status row.
#include "ingest/status/dock_status.hpp"

namespace bodycam::ingest::status {

double slot_status::progress() const noexcept {
  if (total_bytes == 0) return 1.0;
  const double p = static_cast<double>(done_bytes) / static_cast<double>(total_bytes);
  return p < 0 ? 0 : (p > 1 ? 1 : p);
}

}  // namespace bodycam::ingest::status
