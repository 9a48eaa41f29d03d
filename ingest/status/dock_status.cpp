// The one computed value of a dock_status row, and the names of the slot presences.
#include "ingest/status/dock_status.hpp"

namespace bodycam::ingest::status {

double slot_status::progress() const noexcept {
  if (total_bytes == 0) return 1.0;
  const double p = static_cast<double>(done_bytes) / static_cast<double>(total_bytes);
  return p < 0 ? 0 : (p > 1 ? 1 : p);
}

std::string_view to_string(slot_presence presence) noexcept {
  switch (presence) {
    case slot_presence::not_checked: return "not_checked";
    case slot_presence::docked: return "docked";
    case slot_presence::absent: return "absent";
    case slot_presence::refused: return "refused";
    case slot_presence::failed: return "failed";
  }
  return "unknown";
}

}  // namespace bodycam::ingest::status
