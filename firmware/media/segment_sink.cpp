#include "firmware/media/segment_sink.hpp"

namespace bodycam::firmware::media {

std::string_view to_string(pipeline_event_kind kind) noexcept {
  switch (kind) {
    case pipeline_event_kind::back_pressure: return "back_pressure";
    case pipeline_event_kind::source_gap: return "source_gap";
    case pipeline_event_kind::timestamp_fixup: return "timestamp_fixup";
    case pipeline_event_kind::source_ended: return "source_ended";
    case pipeline_event_kind::fault: return "fault";
    case pipeline_event_kind::storage_full: return "storage_full";
    case pipeline_event_kind::packets_lost: return "packets_lost";
  }
  return "unknown";
}

}  // namespace bodycam::firmware::media
