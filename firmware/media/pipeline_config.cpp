#include "firmware/media/pipeline_config.hpp"

#include <cstdio>

namespace bodycam::firmware::media {

namespace core = common::core;

namespace {
core::status check_range(std::string_view field, std::int64_t value, std::int64_t low, std::int64_t high) {
  if (value >= low && value <= high) return {};
  return core::fail(core::errc::invalid_argument, std::string(field) + ": " + std::to_string(value) +
                                                      " is out of range " + std::to_string(low) + ".." +
                                                      std::to_string(high));
}

// Printable ASCII without control characters: what the OSD can draw and a record can carry.
core::status check_identifier(std::string_view field, std::string_view value) {
  if (value.empty() || value.size() > 64)
    return core::fail(core::errc::invalid_argument, std::string(field) + ": must be 1..64 characters");
  for (const char c : value)
    if (c < 0x20 || c > 0x7e)
      return core::fail(core::errc::invalid_argument, std::string(field) + ": only printable ASCII is allowed");
  return {};
}

core::status check_input(std::string_view field, const input_config& input, bool is_audio) {
  const std::string f(field);
  if (input.url.empty()) return core::fail(core::errc::invalid_argument, f + ".url: empty");
  if (is_audio && input.kind == input_kind::v4l2)
    return core::fail(core::errc::invalid_argument, f + ".kind: v4l2 is a video source");
  if (!is_audio && input.kind == input_kind::alsa)
    return core::fail(core::errc::invalid_argument, f + ".kind: alsa is an audio source");
  if (input.at_end != input_end::finish && input.kind != input_kind::file)
    return core::fail(core::errc::invalid_argument, f + ".at_end: loop and pad_silence apply to file inputs only");
  if (!is_audio && input.at_end == input_end::pad_silence)
    return core::fail(core::errc::invalid_argument, f + ".at_end: pad_silence applies to audio only");
  if (input.realtime && input.is_live())
    return core::fail(core::errc::invalid_argument, f + ".realtime: a live device is real-time already");
  return {};
}
}  // namespace

core::status validate(const pipeline_config& c) {
  const auto& e = c.encoder;
  if (auto ok = check_input("source.video", c.source.video, false); !ok) return ok;
  if (c.source.audio)
    if (auto ok = check_input("source.audio", *c.source.audio, true); !ok) return ok;
  if (e.video_encoder.empty()) return core::fail(core::errc::invalid_argument, "encoder.video_encoder: empty");
  if (auto ok = check_range("encoder.width", e.width, 16, 7680); !ok) return ok;
  if (auto ok = check_range("encoder.height", e.height, 16, 4320); !ok) return ok;
  if (e.width % 2 != 0 || e.height % 2 != 0)
    return core::fail(core::errc::invalid_argument, "encoder.width/height: must be even for 4:2:0 video");
  if (auto ok = check_range("encoder.fps", e.fps, 1, 240); !ok) return ok;
  if (auto ok = check_range("encoder.gop (ms)", e.gop.count(), 1, 60'000); !ok) return ok;
  if ((static_cast<std::int64_t>(e.fps) * e.gop.count()) % 1000 != 0 || e.gop_frames() < 1)
    return core::fail(core::errc::invalid_argument, "encoder.gop: " + std::to_string(e.gop.count()) +
                                                        " ms is not a whole number of frames at " +
                                                        std::to_string(e.fps) + " fps");
  if (auto ok = check_range("encoder.video_bit_rate", e.video_bit_rate, 10'000, 200'000'000); !ok) return ok;
  if (auto ok = check_range("encoder.threads", e.threads, 0, 64); !ok) return ok;
  if (c.source.audio) {
    if (e.audio_encoder.empty()) return core::fail(core::errc::invalid_argument, "encoder.audio_encoder: empty");
    if (auto ok = check_range("encoder.sample_rate", e.sample_rate, 8'000, 192'000); !ok) return ok;
    if (auto ok = check_range("encoder.channels", e.channels, 1, 2); !ok) return ok;
    if (auto ok = check_range("encoder.audio_bit_rate", e.audio_bit_rate, 8'000, 512'000); !ok) return ok;
  }
  if (e.is_pass_through() && c.osd.enabled)
    return core::fail(core::errc::invalid_argument,
                      "osd.enabled: the OSD needs re-encoding; encoder 'copy' (pass-through) cannot burn in text");
  if (c.osd.enabled) {
    if (c.osd.font_file.empty()) return core::fail(core::errc::invalid_argument, "osd.font_file: empty");
    if (auto ok = check_range("osd.font_size", c.osd.font_size, 0, 512); !ok) return ok;
  }
  if (c.segment.duration < e.gop)
    return core::fail(core::errc::invalid_argument, "segment.duration: " + std::to_string(c.segment.duration.count()) +
                                                        " ms is shorter than one GOP (" +
                                                        std::to_string(e.gop.count()) + " ms)");
  if (auto ok = check_range("pre_event.duration (ms)", c.pre_event.duration.count(), 0, 600'000); !ok) return ok;
  if (c.pre_event.max_bytes == 0) return core::fail(core::errc::invalid_argument, "pre_event.max_bytes: 0");
  const auto& q = c.queues;
  if (q.video_frames == 0 || q.audio_frames == 0 || q.video_packets == 0 || q.audio_packets == 0)
    return core::fail(core::errc::invalid_argument, "queues: every capacity must be at least 1");
  if (q.report_interval.count() <= 0)
    return core::fail(core::errc::invalid_argument, "queues.report_interval: must be positive");
  if (c.output_dir.empty()) return core::fail(core::errc::invalid_argument, "output_dir: empty");
  if (auto ok = check_identifier("device_id", c.device_id); !ok) return ok;
  // No officer assigned yet is a valid state of a camera (the OSD then shows "-"), never a reason not to record.
  if (!c.officer_id.empty())
    if (auto ok = check_identifier("officer_id", c.officer_id); !ok) return ok;
  return {};
}

core::status validate_session_id(std::string_view id) {
  if (id.empty() || id.size() > 64)
    return core::fail(core::errc::invalid_argument, "session id '" + std::string(id) + "': must be 1..64 characters");
  if (id.front() == '.')
    return core::fail(core::errc::invalid_argument, "session id '" + std::string(id) + "': must not start with '.'");
  for (const char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok)
      return core::fail(core::errc::invalid_argument,
                        "session id '" + std::string(id) + "': only letters, digits, '.', '_' and '-' are allowed");
  }
  return {};
}

std::string segment_file_name(std::string_view session_id, std::uint32_t index) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%06u", static_cast<unsigned>(index));
  return std::string(session_id) + "-" + digits + ".mp4";
}

std::string_view to_string(input_kind kind) noexcept {
  switch (kind) {
    case input_kind::v4l2: return "v4l2";
    case input_kind::alsa: return "alsa";
    case input_kind::lavfi: return "lavfi";
    case input_kind::file: return "file";
  }
  return "unknown";
}

}  // namespace bodycam::firmware::media
