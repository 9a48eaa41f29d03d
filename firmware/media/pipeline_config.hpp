// Everything the daemon configures about the media pipeline, as plain structs with their defaults, their limits
// and their validation: the one definition of these settings. firmware/config parses the recorder's TOML file
// straight into these structs, reads each key within the limits below, and runs validate() on the result.
// Pure: no libav, no file system; checks that need the system (does the device exist, is the encoder built in,
// is the directory writable) happen when the pipeline opens.
// Invariants:
//  1. validate() accepts a config only if every later stage can honour it: sizes within `limits`, a GOP that is
//     a whole number of frames, a segment at least one GOP long, a pre-event buffer off or at least one GOP,
//     identifiers the OSD can show, no OSD with pass-through (text cannot be burned into H.264 that is not
//     re-encoded).
//  2. Every error names the field, e.g. "encoder.fps: 0 is out of range 1..120"; a caller that knows the field
//     under another name (a config key) passes a field_namer and gets that name instead.
#pragma once

#include "common/core/error.hpp"
#include "common/crypto/footage_key.hpp"
#include "common/crypto/random_fill.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::firmware::media {

enum class input_kind : std::uint8_t {
  v4l2,   // a V4L2 camera, url = device node ("/dev/video0")
  alsa,   // an ALSA capture device, url = "hw:0" / "default"
  lavfi,  // a libavfilter source graph, url = "testsrc2=size=1280x720:rate=30", "sine=frequency=440"
  file,   // any file libavformat can read (WAV, MP4, ...)
};

// What a file input does at its end. pad_silence is for audio only.
enum class input_end : std::uint8_t { finish, loop, pad_silence };

struct input_config {
  input_kind kind = input_kind::lavfi;
  std::string url;
  std::map<std::string, std::string> options;  // passed to avformat_open_input (input_format, video_size, ...)
  bool realtime = false;                       // lavfi/file: deliver at media speed instead of as fast as possible
  input_end at_end = input_end::finish;

  // V4L2 and ALSA deliver at capture speed on their own and stamp frames with a shared clock.
  [[nodiscard]] bool is_live() const noexcept { return kind == input_kind::v4l2 || kind == input_kind::alsa; }
};

struct source_config {
  input_config video;
  std::optional<input_config> audio;
};

// An inclusive range of a setting, in the unit of its field.
struct limit {
  std::int64_t min = 0;
  std::int64_t max = 0;
  [[nodiscard]] constexpr bool contains(std::int64_t value) const noexcept { return value >= min && value <= max; }
};

// The one set of limits for these settings; firmware/config reads its keys within them (scaled to the key's unit).
namespace limits {
inline constexpr limit width{160, 3840};   // and even
inline constexpr limit height{120, 2160};  // and even
inline constexpr limit fps{1, 120};
inline constexpr limit gop_ms{1'000, 10'000};                // and a whole number of frames
inline constexpr limit video_bit_rate{100'000, 50'000'000};  // bit/s
inline constexpr limit audio_bit_rate{16'000, 320'000};      // bit/s
inline constexpr limit threads{0, 64};
inline constexpr limit sample_rate{8'000, 192'000};
inline constexpr limit channels{1, 2};
inline constexpr limit font_size{0, 512};
inline constexpr limit segment_ms{1'000, 3'600'000};  // and at least one GOP
inline constexpr limit pre_event_ms{0, 300'000};      // 0 (off) or at least one GOP
inline constexpr limit raw_video_frames{1, 256};      // a 720p frame is ~1.4 MB
inline constexpr limit raw_audio_frames{1, 4'096};
inline constexpr limit encoded_packets{1, 16'384};
}  // namespace limits

struct encoder_config {
  std::string video_encoder = "libx264";             // "h264_v4l2m2m" on the ARM SoC; "copy" = pass-through of H.264
  std::map<std::string, std::string> video_options;  // codec private options; empty = defaults per encoder
  int width = 1280;
  int height = 720;
  int fps = 30;
  std::chrono::milliseconds gop = std::chrono::seconds(1);  // one fragment per GOP
  std::int64_t video_bit_rate = 2'500'000;
  int threads = 1;  // encoder threads; 0 = let the encoder decide
  std::string audio_encoder = "aac";
  int sample_rate = 48'000;
  int channels = 1;
  std::int64_t audio_bit_rate = 64'000;

  [[nodiscard]] bool is_pass_through() const noexcept { return video_encoder == "copy"; }
  // Frames per GOP; valid after validate().
  [[nodiscard]] int gop_frames() const noexcept { return static_cast<int>(fps * gop.count() / 1000); }
};

struct osd_config {
  bool enabled = true;
  std::string font_file = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
  bool show_officer = true;  // false: the officer id is neither drawn nor written into the segments
  int font_size = 0;         // pixels; 0 = height / 24, at least 10
  bool clock_synced = true;  // initial state of the "CLOCK NOT SYNCED" marker (set_clock_synced changes it)
  bool place_line = false;   // a line with the position or "NO FIX" (set_place_text changes it)
};

struct segment_config {
  std::chrono::milliseconds duration = std::chrono::seconds(60);
  bool write_mfra = false;  // the mfra index after the last fragment: unsigned tail bytes, see README.md
};

struct pre_event_config {
  std::chrono::milliseconds duration = std::chrono::seconds(30);
  bool keep_audio = false;
  std::size_t max_bytes = std::size_t{64} * 1024 * 1024;
};

// Queue capacities (items) between stages; see README.md "Threads and back-pressure". The daemon's
// configuration starts from larger packet queues (recorder_config.hpp), so that a slow fdatasync is absorbed.
struct queue_config {
  std::size_t video_frames = 8;
  std::size_t audio_frames = 32;
  std::size_t video_packets = 64;
  std::size_t audio_packets = 128;
  std::chrono::milliseconds report_interval = std::chrono::seconds(1);  // back-pressure events at most this often
};

// Footage encryption (docs/formats/encrypted-footage.md): no recipient = segments in the clear; else every
// segment is sealed to these public keys (the agency footage key first, then an escrow key), one secretstream
// message per part of the fMP4. `random` is empty in production (system randomness); tests may set it.
struct encryption_config {
  std::vector<common::crypto::footage_public_key> recipients;
  common::crypto::random_fill random;
  [[nodiscard]] bool is_enabled() const noexcept { return !recipients.empty(); }
};

struct pipeline_config {
  source_config source;
  encoder_config encoder;
  osd_config osd;
  segment_config segment;
  pre_event_config pre_event;
  queue_config queues;
  std::string output_dir;
  std::string device_id;
  std::string officer_id;
  encryption_config encryption;
};

// Maps a field as validate() names it ("segment.duration") to the name the caller's user knows.
using field_namer = std::function<std::string(std::string_view field)>;

[[nodiscard]] common::core::status validate(const pipeline_config& config, const field_namer& name = {});

// Session ids become part of file names: 1..64 of [A-Za-z0-9._-], not starting with '.'.
[[nodiscard]] common::core::status validate_session_id(std::string_view session_id);

// "<session>-<index, 6 digits>.mp4"; the file is "<that>.partial" until sealed.
[[nodiscard]] std::string segment_file_name(std::string_view session_id, std::uint32_t index);

[[nodiscard]] std::string_view to_string(input_kind kind) noexcept;

}  // namespace bodycam::firmware::media
