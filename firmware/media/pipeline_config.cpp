#include "firmware/media/pipeline_config.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace bodycam::firmware::media {

namespace core = common::core;

namespace {

// Durations as a person writes them: "5 s" when whole seconds, else "500 ms".
std::string duration_text(std::chrono::milliseconds d) {
  return d.count() % 1000 == 0 ? std::to_string(d.count() / 1000) + " s" : std::to_string(d.count()) + " ms";
}

// Printable ASCII without control characters: what the OSD can draw and a record can carry.
bool is_identifier(std::string_view value) {
  if (value.empty() || value.size() > 64) return false;
  for (const char c : value)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

class checker {
 public:
  explicit checker(const field_namer& name) : name_(name) {}

  [[nodiscard]] std::string field(std::string_view f) const { return name_ ? name_(f) : std::string(f); }
  [[nodiscard]] core::status fail(std::string_view f, const std::string& message) const {
    return core::fail(core::errc::invalid_argument, field(f) + ": " + message);
  }
  [[nodiscard]] core::status range(std::string_view f, std::int64_t value, limit l) const {
    if (l.contains(value)) return {};
    return fail(f, std::to_string(value) + " is out of range " + std::to_string(l.min) + ".." + std::to_string(l.max));
  }
  [[nodiscard]] core::status duration(std::string_view f, std::chrono::milliseconds value, limit ms) const {
    if (ms.contains(value.count())) return {};
    return fail(f, duration_text(value) + " is out of range " + duration_text(std::chrono::milliseconds(ms.min)) +
                       ".." + duration_text(std::chrono::milliseconds(ms.max)));
  }

 private:
  const field_namer& name_;
};

core::status check_input(const checker& c, std::string_view field, const input_config& input, bool is_audio) {
  const std::string f(field);
  if (input.url.empty()) return c.fail(f + ".url", "empty");
  if (is_audio && input.kind == input_kind::v4l2) return c.fail(f + ".kind", "v4l2 is a video source");
  if (!is_audio && input.kind == input_kind::alsa) return c.fail(f + ".kind", "alsa is an audio source");
  if (input.at_end != input_end::finish && input.kind != input_kind::file)
    return c.fail(f + ".at_end", "loop and pad_silence apply to file inputs only");
  if (!is_audio && input.at_end == input_end::pad_silence)
    return c.fail(f + ".at_end", "pad_silence applies to audio only");
  if (input.realtime && input.is_live()) return c.fail(f + ".realtime", "a live device is real-time already");
  return {};
}

core::status check_encoder(const checker& c, const encoder_config& e, bool has_audio) {
  if (e.video_encoder.empty()) return c.fail("encoder.video_encoder", "empty");
  if (auto ok = c.range("encoder.width", e.width, limits::width); !ok) return ok;
  if (auto ok = c.range("encoder.height", e.height, limits::height); !ok) return ok;
  if (e.width % 2 != 0 || e.height % 2 != 0) return c.fail("encoder.width/height", "must be even for 4:2:0 video");
  if (auto ok = c.range("encoder.fps", e.fps, limits::fps); !ok) return ok;
  if (e.gop.count() <= 0 || (static_cast<std::int64_t>(e.fps) * e.gop.count()) % 1000 != 0 || e.gop_frames() < 1)
    return c.fail("encoder.gop", std::to_string(e.gop.count()) + " ms is not a whole number of frames at " +
                                     std::to_string(e.fps) + " fps");
  if (auto ok = c.duration("encoder.gop", e.gop, limits::gop_ms); !ok) return ok;
  if (auto ok = c.range("encoder.video_bit_rate", e.video_bit_rate, limits::video_bit_rate); !ok) return ok;
  if (auto ok = c.range("encoder.threads", e.threads, limits::threads); !ok) return ok;
  if (!has_audio) return {};
  if (e.audio_encoder.empty()) return c.fail("encoder.audio_encoder", "empty");
  if (auto ok = c.range("encoder.sample_rate", e.sample_rate, limits::sample_rate); !ok) return ok;
  if (auto ok = c.range("encoder.channels", e.channels, limits::channels); !ok) return ok;
  return c.range("encoder.audio_bit_rate", e.audio_bit_rate, limits::audio_bit_rate);
}

core::status check_queues(const checker& c, const queue_config& q) {
  const auto size = [](std::size_t n) { return static_cast<std::int64_t>(std::min<std::size_t>(n, INT64_MAX)); };
  if (auto ok = c.range("queues.video_frames", size(q.video_frames), limits::raw_video_frames); !ok) return ok;
  if (auto ok = c.range("queues.audio_frames", size(q.audio_frames), limits::raw_audio_frames); !ok) return ok;
  if (auto ok = c.range("queues.video_packets", size(q.video_packets), limits::encoded_packets); !ok) return ok;
  if (auto ok = c.range("queues.audio_packets", size(q.audio_packets), limits::encoded_packets); !ok) return ok;
  if (q.report_interval.count() <= 0) return c.fail("queues.report_interval", "must be positive");
  return {};
}

}  // namespace

core::status validate(const pipeline_config& config, const field_namer& name) {
  const checker c(name);
  const auto& e = config.encoder;
  if (auto ok = check_input(c, "source.video", config.source.video, false); !ok) return ok;
  if (config.source.audio)
    if (auto ok = check_input(c, "source.audio", *config.source.audio, true); !ok) return ok;
  if (auto ok = check_encoder(c, e, config.source.audio.has_value()); !ok) return ok;
  if (config.encryption.recipients.size() > 4)
    return c.fail("encryption.recipients", std::to_string(config.encryption.recipients.size()) +
                                               " footage keys; at most 4 (the agency key and escrow keys)");
  if (e.is_pass_through() && config.osd.enabled)
    return c.fail("osd.enabled", "the OSD needs re-encoding; encoder 'copy' (pass-through) cannot burn in text");
  if (config.osd.enabled) {
    if (config.osd.font_file.empty()) return c.fail("osd.font_file", "empty");
    if (auto ok = c.range("osd.font_size", config.osd.font_size, limits::font_size); !ok) return ok;
  }
  if (config.segment.duration < e.gop)
    return c.fail("segment.duration",
                  duration_text(config.segment.duration) + " is shorter than one GOP (" + duration_text(e.gop) + ")");
  if (auto ok = c.duration("segment.duration", config.segment.duration, limits::segment_ms); !ok) return ok;
  // The pre-event ring holds whole GOPs; less than one GOP would hold nothing.
  const auto pre_event = config.pre_event.duration;
  if (pre_event.count() != 0 && pre_event < e.gop)
    return c.fail("pre_event.duration",
                  duration_text(pre_event) + " is neither 0 (off) nor at least one GOP (" + duration_text(e.gop) + ")");
  if (auto ok = c.duration("pre_event.duration", pre_event, limits::pre_event_ms); !ok) return ok;
  if (config.pre_event.max_bytes == 0) return c.fail("pre_event.max_bytes", "0");
  if (auto ok = check_queues(c, config.queues); !ok) return ok;
  if (config.output_dir.empty()) return c.fail("output_dir", "empty");
  if (!is_identifier(config.device_id)) return c.fail("device_id", "must be 1..64 printable ASCII characters");
  // No officer assigned yet is a valid state of a camera (the OSD then shows "-"), never a reason not to record.
  if (!config.officer_id.empty() && !is_identifier(config.officer_id))
    return c.fail("officer_id", "must be 1..64 printable ASCII characters");
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
