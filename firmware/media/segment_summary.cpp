#include "firmware/media/segment_summary.hpp"

namespace bodycam::firmware::media {

std::string_view to_string(close_reason reason) noexcept {
  switch (reason) {
    case close_reason::rollover: return "rollover";
    case close_reason::stop: return "stop";
    case close_reason::low_battery: return "low_battery";
    case close_reason::storage_full: return "storage_full";
    case close_reason::fault: return "fault";
    case close_reason::power_loss_recovered: return "power_loss_recovered";
  }
  return "unknown";
}

}  // namespace bodycam::firmware::media
