#include "firmware/config/config_sections.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <utility>

namespace bodycam::firmware::config {

namespace {

constexpr std::size_t max_name_bytes = 64;

bool is_label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// The device-id rule, used for officer ids too: safe in file names and in the OSD text.
bool is_label(std::string_view text) {
  return !text.empty() && text.size() <= max_name_bytes && text.front() != '.' &&
         std::all_of(text.begin(), text.end(), is_label_char);
}

constexpr std::string_view label_rule = "must be 1-64 characters of A-Z a-z 0-9 . _ - not starting with '.'";

core::status parse_device(table_reader& r, recorder_config& config) {
  device_config& d = config.device;
  if (!r.contains("id")) return r.invalid("id", "required: the device id (" + std::string(label_rule) + ")");
  std::string id;
  if (auto ok = r.read_string("id", id, 4096); !ok) return ok;
  auto parsed = common::record::device_id::parse(id);
  if (!parsed) return r.invalid("id", std::string(label_rule) + ", got " + quote_for_message(id));
  d.id = *parsed;
  if (auto ok = r.read_string("officer_id", d.officer_id, 4096); !ok) return ok;
  if (!d.officer_id.empty() && !is_label(d.officer_id))
    return r.invalid("officer_id", std::string(label_rule) + ", got " + quote_for_message(d.officer_id));
  if (auto ok = r.read_path("key_file", d.key_file); !ok) return ok;
  if (auto ok = r.read_path("ledger", d.ledger); !ok) return ok;
  return r.read_path("recording_dir", d.recording_dir);
}

core::status parse_footage(table_reader& r, recorder_config& config) {
  footage_config& f = config.footage;
  if (auto ok = r.read_path("public_key_file", f.public_key_file); !ok) return ok;
  if (auto ok = r.read_path("escrow_key_file", f.escrow_key_file); !ok) return ok;
  if (!f.escrow_key_file.empty() && f.public_key_file.empty())
    return r.invalid("escrow_key_file", "needs public_key_file: the agency footage key comes first");
  return {};
}

constexpr std::array<std::string_view, 3> source_kind_names{"synthetic", "v4l2", "file"};
// lavfi video sources that make a moving test picture without input.
constexpr std::array<std::string_view, 7> synthetic_patterns{"testsrc2",   "testsrc",    "smptebars", "smptehdbars",
                                                             "rgbtestsrc", "yuvtestsrc", "mandelbrot"};

// Reads an integer key whose field is `scale` times the key's unit, within the field's limit.
template <class T>
core::status read_scaled(table_reader& r, std::string_view key, media::limit field_limit, std::int64_t scale, T& out) {
  const std::int64_t low = (field_limit.min + scale - 1) / scale;
  const std::int64_t high = field_limit.max / scale;
  const bool present = r.contains(key);
  std::int64_t value = static_cast<std::int64_t>(out) / scale;
  if (auto ok = r.read_integer(key, low, high, value); !ok) return ok;
  if (present) out = static_cast<T>(value * scale);
  return {};
}

// A duration key in whole seconds for a field in milliseconds.
core::status read_seconds_of(table_reader& r, std::string_view key, media::limit field_ms,
                             std::chrono::milliseconds& out) {
  auto ms = out.count();
  if (auto ok = read_scaled(r, key, field_ms, 1000, ms); !ok) return ok;
  out = std::chrono::milliseconds(ms);
  return {};
}

core::status parse_source(table_reader& r, recorder_config& config) {
  media::camera_source& s = config.source;
  std::size_t kind = static_cast<std::size_t>(s.kind);
  if (auto ok = r.read_choice("kind", source_kind_names, kind); !ok) return ok;
  s.kind = static_cast<media::camera_source_kind>(kind);
  if (auto ok = r.read_path("video_device", s.video_device); !ok) return ok;
  if (auto ok = r.read_string("audio_device", s.audio_device, max_name_bytes); !ok) return ok;
  if (auto ok = r.read_path("file_path", s.file_path); !ok) return ok;
  std::size_t pattern = 0;
  if (auto ok = r.read_choice("synthetic_pattern", synthetic_patterns, pattern); !ok) return ok;
  if (r.contains("synthetic_pattern")) s.synthetic_pattern = synthetic_patterns[pattern];
  if (auto ok = r.read_path("synthetic_audio_file", s.synthetic_audio_file); !ok) return ok;
  if (auto ok = r.read_bool("pass_through_h264", s.pass_through_h264); !ok) return ok;

  if (s.kind == media::camera_source_kind::v4l2 && s.audio_device.empty())
    return r.invalid("audio_device", "must name an ALSA device when source.kind is \"v4l2\"");
  if (s.kind == media::camera_source_kind::file && s.file_path.empty())
    return r.invalid("file_path", "required when source.kind is \"file\"");
  if (s.pass_through_h264 && s.kind != media::camera_source_kind::v4l2)
    return r.invalid("pass_through_h264", "only valid when source.kind is \"v4l2\", source.kind is \"" +
                                              std::string(media::to_string(s.kind)) + "\"");
  return {};
}

core::status parse_encoder(table_reader& r, recorder_config& config) {
  media::encoder_config& e = config.encoder;
  if (auto ok = r.read_string("name", e.video_encoder, max_name_bytes); !ok) return ok;
  const bool name_ok = !e.video_encoder.empty() &&
                       std::all_of(e.video_encoder.begin(), e.video_encoder.end(),
                                   [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
  if (!name_ok)
    return r.invalid(
        "name", "must be a libavcodec encoder name such as \"libx264\", got " + quote_for_message(e.video_encoder));
  namespace lim = media::limits;
  if (auto ok = r.read_int("width", static_cast<int>(lim::width.min), static_cast<int>(lim::width.max), e.width); !ok)
    return ok;
  if (e.width % 2 != 0) return r.invalid("width", "must be even, got " + std::to_string(e.width));
  if (auto ok = r.read_int("height", static_cast<int>(lim::height.min), static_cast<int>(lim::height.max), e.height);
      !ok)
    return ok;
  if (e.height % 2 != 0) return r.invalid("height", "must be even, got " + std::to_string(e.height));
  if (auto ok = r.read_int("fps", static_cast<int>(lim::fps.min), static_cast<int>(lim::fps.max), e.fps); !ok)
    return ok;
  if (auto ok = read_scaled(r, "video_bitrate_kbps", lim::video_bit_rate, 1000, e.video_bit_rate); !ok) return ok;
  if (auto ok = read_scaled(r, "audio_bitrate_kbps", lim::audio_bit_rate, 1000, e.audio_bit_rate); !ok) return ok;
  return read_seconds_of(r, "gop_seconds", lim::gop_ms, e.gop);
}

core::status parse_osd(table_reader& r, recorder_config& config) {
  media::osd_config& o = config.osd;
  if (auto ok = r.read_bool("enabled", o.enabled); !ok) return ok;
  if (auto ok = r.read_path("font_file", o.font_file); !ok) return ok;
  return r.read_bool("show_officer", o.show_officer);
}

core::status parse_segment(table_reader& r, recorder_config& config) {
  return read_seconds_of(r, "duration_seconds", media::limits::segment_ms, config.segment.duration);
}

core::status parse_pre_event(table_reader& r, recorder_config& config) {
  if (auto ok = read_seconds_of(r, "seconds", media::limits::pre_event_ms, config.pre_event.duration); !ok) return ok;
  // The ring's byte bound: at 2.5 Mbit/s, 120 s of video is about 36 MiB; a higher bit rate needs more.
  auto megabytes = static_cast<std::int64_t>(config.pre_event.max_bytes >> 20);
  if (auto ok = r.read_integer("max_megabytes", 1, 1024, megabytes); !ok) return ok;
  config.pre_event.max_bytes = static_cast<std::size_t>(megabytes) << 20;
  return r.read_bool("include_audio", config.pre_event.keep_audio);
}

core::status parse_queues(table_reader& r, recorder_config& config) {
  media::queue_config& q = config.queues;
  namespace lim = media::limits;
  if (auto ok = read_scaled(r, "raw_video_frames", lim::raw_video_frames, 1, q.video_frames); !ok) return ok;
  if (auto ok = read_scaled(r, "raw_audio_frames", lim::raw_audio_frames, 1, q.audio_frames); !ok) return ok;
  // One key for both tracks' encoded-packet queues.
  if (auto ok = read_scaled(r, "encoded_packets", lim::encoded_packets, 1, q.video_packets); !ok) return ok;
  q.audio_packets = q.video_packets;
  return {};
}

core::status parse_control(table_reader& r, recorder_config& config) {
  control_config& c = config.control;
  if (auto ok = r.read_path("socket_path", c.socket_path); !ok) return ok;
  // A path of any length is bound through its folder when it does not fit sockaddr_un
  // (common/core/unix_socket_address.hpp); only the socket's own name must fit the short form.
  if (const auto name = std::filesystem::path(c.socket_path).filename().string(); name.size() > 80)
    return r.invalid("socket_path", "the socket's file name must be at most 80 bytes, got " +
                                        std::to_string(name.size()) + " ('" + name.substr(0, 20) + "...')");
  if (auto ok = r.read_int("max_clients", 1, 64, c.max_clients); !ok) return ok;
  if (auto ok = r.read_int("max_line_bytes", 256, 65536, c.max_line_bytes); !ok) return ok;
  return r.read_seconds("idle_timeout_seconds", 1, 86400, c.idle_timeout);
}

core::status parse_checks(table_reader& r, recorder_config& config) {
  checks_config& c = config.checks;
  if (auto ok = r.read_path("sysfs_root", c.sysfs_root); !ok) return ok;
  std::int64_t minutes = c.planned_shift.count();
  if (auto ok = r.read_integer("planned_shift_minutes", 1, 1440, minutes); !ok) return ok;
  c.planned_shift = std::chrono::minutes(minutes);
  if (auto ok = r.read_int("battery_drain_percent_per_hour", 1, 100, c.battery_drain_percent_per_hour); !ok) return ok;
  if (auto ok = r.read_int("battery_reserve_percent", 1, 50, c.battery_reserve_percent); !ok) return ok;
  if (auto ok = r.read_int("storage_reserve_mb", 0, 1048576, c.storage_reserve_mb); !ok) return ok;
  std::int64_t hours = c.max_sync_age.count();
  if (auto ok = r.read_integer("max_sync_age_hours", 1, 8760, hours); !ok) return ok;
  c.max_sync_age = std::chrono::hours(hours);
  if (auto ok = r.read_int("max_sync_offset_ms", 1, 3600000, c.max_sync_offset_ms); !ok) return ok;
  if (auto ok = r.read_path("microphone_node", c.microphone_node); !ok) return ok;
  if (auto ok = r.read_seconds("resume_window_seconds", 0, 14400, c.resume_window); !ok) return ok;
  return r.read_seconds("poll_seconds", 1, 600, c.poll_interval);
}

constexpr std::array<std::string_view, 3> annotation_kind_names{"alsa", "file", "none"};

core::status parse_annotation(table_reader& r, recorder_config& config) {
  annotation_config& a = config.annotation;
  std::size_t kind = static_cast<std::size_t>(a.kind);
  if (auto ok = r.read_choice("kind", annotation_kind_names, kind); !ok) return ok;
  a.kind = static_cast<annotation_source_kind>(kind);
  if (auto ok = r.read_string("device", a.device, max_name_bytes); !ok) return ok;
  if (auto ok = r.read_path("file_path", a.file_path); !ok) return ok;
  if (auto ok = r.read_seconds("max_seconds", 1, 120, a.max_duration); !ok) return ok;
  if (auto ok = r.read_int("trailing_silence_ms", 200, 10000, a.trailing_silence_ms); !ok) return ok;
  if (a.kind == annotation_source_kind::file && a.file_path.empty())
    return r.invalid("file_path", "required when annotation.kind is \"file\"");
  if (a.kind == annotation_source_kind::alsa && a.device.empty())
    return r.invalid("device", "must name an ALSA device when annotation.kind is \"alsa\"");
  return {};
}

core::status parse_feedback(table_reader& r, recorder_config& config) {
  feedback_config& f = config.feedback;
  if (auto ok = r.read_path("log_file", f.log_file); !ok) return ok;
  if (auto ok = r.read_path("leds_dir", f.leds_dir); !ok) return ok;
  if (auto ok = r.read_string("alarm_led", f.alarm_led, max_name_bytes); !ok) return ok;
  if (auto ok = r.read_string("prompt_led", f.prompt_led, max_name_bytes); !ok) return ok;
  if (auto ok = r.read_string("alsa_device", f.alsa_device, max_name_bytes); !ok) return ok;
  // "" is allowed and means off; anything else is a path (resolved like every other path).
  std::string prompt;
  if (auto ok = r.read_string("prompt_file", prompt, 4096); !ok) return ok;
  if (!prompt.empty()) {
    if (auto ok = r.read_path("prompt_file", f.prompt_file); !ok) return ok;
  }
  if (!f.prompt_file.empty() && f.alsa_device.empty())
    return r.invalid("prompt_file", "needs alsa_device (the prompt file is played through ALSA)");
  for (const auto* name : {&f.alarm_led, &f.prompt_led})
    if (name->empty() || name->find('/') != std::string::npos || *name == "." || *name == "..")
      return r.invalid(name == &f.alarm_led ? "alarm_led" : "prompt_led",
                       "must be the name of an LED in leds_dir, got " + quote_for_message(*name));
  return {};
}

core::status parse_buttons(table_reader& r, recorder_config& config) {
  if (auto ok = r.read_path("device", config.buttons.device); !ok) return ok;
  if (auto ok = r.read_int("record_key", 1, 767, config.buttons.record_key); !ok) return ok;
  if (auto ok = r.read_int("mark_key", 0, 767, config.buttons.mark_key); !ok) return ok;
  if (config.buttons.mark_key == config.buttons.record_key)
    return r.invalid("mark_key", "must differ from buttons.record_key (" + std::to_string(config.buttons.record_key) + ")");
  if (auto ok = r.read_int("photo_key", 0, 767, config.buttons.photo_key); !ok) return ok;
  if (config.buttons.photo_key != 0 &&
      (config.buttons.photo_key == config.buttons.record_key || config.buttons.photo_key == config.buttons.mark_key))
    return r.invalid("photo_key", "must differ from buttons.record_key and buttons.mark_key");
  return {};
}

// [session]: the action types officers choose from.
core::status parse_session(table_reader& r, recorder_config& config) {
  auto& actions = config.session.actions;
  if (auto ok = r.read_string_list("actions", actions, 32, max_name_bytes); !ok) return ok;
  if (actions.empty()) return r.invalid("actions", "must name at least one action type");
  for (std::size_t i = 0; i < actions.size(); ++i) {
    if (!is_label(actions[i]))
      return r.invalid("actions", std::string(label_rule) + ", got " + quote_for_message(actions[i]));
    for (std::size_t j = 0; j < i; ++j)
      if (actions[j] == actions[i]) return r.invalid("actions", "names " + quote_for_message(actions[i]) + " twice");
  }
  return {};
}

// [offload]: the camera's offload service.
core::status parse_offload(table_reader& r, recorder_config& config) {
  offload_config& o = config.offload;
  if (auto ok = r.read_bool("enabled", o.enabled); !ok) return ok;
  if (auto ok = r.read_string("listen_address", o.listen_address, max_name_bytes); !ok) return ok;
  if (auto ok = r.read_int("listen_port", 1, 65535, o.listen_port); !ok) return ok;
  if (auto ok = r.read_path("trusted_docks_dir", o.trusted_docks_dir); !ok) return ok;
  if (auto ok = r.read_seconds("timeout_seconds", 1, 600, o.timeout); !ok) return ok;
  if (o.enabled && o.trusted_docks_dir.empty()) return r.invalid("trusted_docks_dir", "required when enabled");
  return {};
}

// [place]: where the position comes from and how often it is written.
constexpr std::array<std::string_view, 2> place_source_names{"none", "gpsd"};

core::status parse_place(table_reader& r, recorder_config& config) {
  place::place_settings& p = config.place;
  std::size_t source = static_cast<std::size_t>(p.source);
  if (auto ok = r.read_choice("source", place_source_names, source); !ok) return ok;
  p.source = static_cast<place::place_source_kind>(source);
  if (auto ok = r.read_string("gpsd_host", p.gpsd_host, max_name_bytes); !ok) return ok;
  if (p.gpsd_host.empty()) return r.invalid("gpsd_host", "must not be empty");
  if (auto ok = r.read_int<std::uint16_t>("gpsd_port", 1, 65535, p.gpsd_port); !ok) return ok;
  if (auto ok = r.read_seconds("interval_seconds", place::min_interval_seconds, place::max_interval_seconds, p.interval);
      !ok)
    return ok;
  if (auto ok = r.read_seconds("hold_seconds", place::min_hold_seconds, place::max_hold_seconds, p.hold); !ok) return ok;
  return r.read_seconds("stale_seconds", place::min_stale_seconds, place::max_stale_seconds, p.stale_after);
}

// Order is the order of the README and of the example config; a new section is one more row.
constexpr std::array<section_parser, 16> sections{{
    {"device", parse_device},
    {"source", parse_source},
    {"encoder", parse_encoder},
    {"osd", parse_osd},
    {"segment", parse_segment},
    {"pre_event", parse_pre_event},
    {"queues", parse_queues},
    {"control", parse_control},
    {"checks", parse_checks},
    {"annotation", parse_annotation},
    {"feedback", parse_feedback},
    {"buttons", parse_buttons},
    {"offload", parse_offload},
    {"session", parse_session},
    {"place", parse_place},
    {"footage", parse_footage},
}};

}  // namespace

std::string_view to_string(annotation_source_kind kind) noexcept {
  const auto index = static_cast<std::size_t>(kind);
  return index < annotation_kind_names.size() ? annotation_kind_names[index] : std::string_view("unknown");
}

std::span<const section_parser> recorder_sections() noexcept { return sections; }

// The config key a media field is read from (validate() names media's fields).
std::string config_key_of(std::string_view field) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 13> keys{{
      {"encoder.video_encoder", "encoder.name"},
      {"encoder.gop", "encoder.gop_seconds"},
      {"encoder.video_bit_rate", "encoder.video_bitrate_kbps"},
      {"encoder.audio_bit_rate", "encoder.audio_bitrate_kbps"},
      {"segment.duration", "segment.duration_seconds"},
      {"pre_event.duration", "pre_event.seconds"},
      {"queues.video_frames", "queues.raw_video_frames"},
      {"queues.audio_frames", "queues.raw_audio_frames"},
      {"queues.video_packets", "queues.encoded_packets"},
      {"queues.audio_packets", "queues.encoded_packets"},
      {"output_dir", "device.recording_dir"},
      {"device_id", "device.id"},
      {"officer_id", "device.officer_id"},
  }};
  for (const auto& [media_field, key] : keys)
    if (media_field == field) return std::string(key);
  return std::string(field);
}

media::pipeline_config pipeline_settings(const recorder_config& c) {
  media::osd_config osd = c.osd;
  osd.place_line = c.place.source != place::place_source_kind::none;  // [place] shows on the OSD
  return media::pipeline_settings(c.source, c.encoder, osd, c.segment, c.pre_event, c.queues,
                                  {c.device.recording_dir, c.device.id.str(), c.device.officer_id});
}

core::status check_across_sections(const recorder_config& config) {
  return media::validate(pipeline_settings(config), config_key_of);
}

}  // namespace bodycam::firmware::config
