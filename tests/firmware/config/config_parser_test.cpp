// The pure config parser, fed from strings: defaults, every key read, and one refusal per kind of mistake,
// each checked for the exact key and value the message must name.
#include "firmware/config/config_parser.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

// This file's names, apart from its neighbours in a unity batch (tests/CMakeLists.txt).
namespace config_parser_test {

using namespace bodycam::firmware::config;
using bodycam::common::core::errc;
using namespace std::chrono_literals;

namespace {

const std::string minimal = "[device]\nid = \"cam-7\"\n";

std::string error_of(const std::string& text, const parse_options& options = {}) {
  auto parsed = parse_recorder_config(text, options);
  REQUIRE_FALSE(parsed.has_value());
  return parsed.error().context;
}

}  // namespace

TEST_CASE("a config with only device.id gets every documented default") {
  auto parsed = parse_recorder_config(minimal);
  REQUIRE(parsed.has_value());
  const recorder_config& c = *parsed;
  CHECK(c.device.id.str() == "cam-7");
  CHECK(c.device.officer_id.empty());
  CHECK(c.device.key_file == "/var/lib/bodycam/device.key");
  CHECK(c.device.ledger == "/var/lib/bodycam/ledger.db");
  CHECK(c.device.recording_dir == "/var/lib/bodycam/segments");
  CHECK(c.source.kind == bodycam::firmware::media::camera_source_kind::synthetic);
  CHECK(c.source.synthetic_pattern == "testsrc2");
  CHECK(c.source.synthetic_audio_file.empty());
  CHECK_FALSE(c.source.pass_through_h264);
  CHECK(c.encoder.video_encoder == "libx264");
  CHECK(c.encoder.width == 1280);
  CHECK(c.encoder.height == 720);
  CHECK(c.encoder.fps == 30);
  CHECK(c.encoder.gop == 1s);
  CHECK(c.osd.enabled);
  CHECK(c.osd.show_officer);
  CHECK(c.segment.duration == 60s);
  CHECK(c.pre_event.duration == 30s);
  CHECK_FALSE(c.pre_event.keep_audio);
  CHECK(c.queues.video_packets == 512);
  CHECK(c.queues.audio_packets == 512);
  CHECK(c.queues.video_frames == 8);
  CHECK(c.queues.audio_frames == 64);
  CHECK(c.control.socket_path == "/run/bodycam/recorder.sock");
  CHECK(c.control.max_clients == 8);
  CHECK(c.control.max_line_bytes == 4096);
  CHECK(c.control.idle_timeout == 300s);
}

TEST_CASE("every key of every section is read") {
  const std::string text = R"(
[device]
id = "unit-42.b_c"
officer_id = "PC-1234"
key_file = "/k/device.key"
ledger = "/l/ledger.db"
recording_dir = "/r"
[source]
kind = "v4l2"
video_device = "/dev/video2"
audio_device = "hw:1,0"
synthetic_pattern = "smptebars"
synthetic_audio_file = "/a/speech.wav"
pass_through_h264 = true
[encoder]
name = "h264_v4l2m2m"
width = 1920
height = 1080
fps = 25
video_bitrate_kbps = 4000
audio_bitrate_kbps = 96
gop_seconds = 2
[osd]
enabled = false
font_file = "/f/mono.ttf"
show_officer = false
[segment]
duration_seconds = 120
[pre_event]
seconds = 10
include_audio = true
[queues]
raw_video_frames = 4
raw_audio_frames = 32
encoded_packets = 100
[control]
socket_path = "/tmp/x.sock"
max_clients = 2
max_line_bytes = 1024
idle_timeout_seconds = 5
)";
  auto parsed = parse_recorder_config(text);
  REQUIRE(parsed.has_value());
  const recorder_config& c = *parsed;
  CHECK(c.device.id.str() == "unit-42.b_c");
  CHECK(c.device.officer_id == "PC-1234");
  CHECK(c.device.key_file == "/k/device.key");
  CHECK(c.device.ledger == "/l/ledger.db");
  CHECK(c.device.recording_dir == "/r");
  CHECK(c.source.kind == bodycam::firmware::media::camera_source_kind::v4l2);
  CHECK(c.source.video_device == "/dev/video2");
  CHECK(c.source.audio_device == "hw:1,0");
  CHECK(c.source.synthetic_pattern == "smptebars");
  CHECK(c.source.synthetic_audio_file == "/a/speech.wav");
  CHECK(c.source.pass_through_h264);
  CHECK(c.encoder.video_encoder == "h264_v4l2m2m");
  CHECK(c.encoder.width == 1920);
  CHECK(c.encoder.height == 1080);
  CHECK(c.encoder.fps == 25);
  CHECK(c.encoder.video_bit_rate == 4'000'000);
  CHECK(c.encoder.audio_bit_rate == 96'000);
  CHECK(c.encoder.gop == 2s);
  CHECK_FALSE(c.osd.enabled);
  CHECK(c.osd.font_file == "/f/mono.ttf");
  CHECK_FALSE(c.osd.show_officer);
  CHECK(c.segment.duration == 120s);
  CHECK(c.pre_event.duration == 10s);
  CHECK(c.pre_event.keep_audio);
  CHECK(c.queues.video_frames == 4);
  CHECK(c.queues.audio_frames == 32);
  CHECK(c.queues.video_packets == 100);
  CHECK(c.queues.audio_packets == 100);
  CHECK(c.control.socket_path == "/tmp/x.sock");
  CHECK(c.control.max_clients == 2);
  CHECK(c.control.max_line_bytes == 1024);
  CHECK(c.control.idle_timeout == 5s);
}

TEST_CASE("the session sections: defaults and every key") {
  auto defaults = parse_recorder_config(minimal);
  REQUIRE(defaults.has_value());
  CHECK(defaults->checks.sysfs_root == "/sys");
  CHECK(defaults->checks.battery_reserve_percent == 10);
  CHECK(defaults->checks.planned_shift == 600min);
  CHECK(defaults->annotation.kind == annotation_source_kind::alsa);
  CHECK(defaults->annotation.max_duration == 20s);
  CHECK(defaults->feedback.log_file.empty());
  CHECK(defaults->feedback.alsa_device.empty());
  CHECK(defaults->feedback.prompt_file.empty());
  CHECK(defaults->buttons.device.empty());
  CHECK(defaults->buttons.record_key == 167);
  auto parsed = parse_recorder_config(minimal + R"(
[checks]
sysfs_root = "/tmp/sys"
planned_shift_minutes = 480
battery_drain_percent_per_hour = 12
battery_reserve_percent = 15
storage_reserve_mb = 64
max_sync_age_hours = 48
max_sync_offset_ms = 500
microphone_node = "/dev/snd/pcmC0D0c"
poll_seconds = 2
[annotation]
kind = "file"
file_path = "/s/statement.wav"
max_seconds = 30
trailing_silence_ms = 800
[feedback]
log_file = "/run/feedback.log"
leds_dir = "/sys/class/leds"
alarm_led = "red:alarm"
prompt_led = "green:rec"
alsa_device = "hw:0"
prompt_file = "/usr/share/bodycam/prompt.wav"
[buttons]
device = "/dev/input/event3"
record_key = 212
)");
  REQUIRE(parsed.has_value());
  const auto& c = *parsed;
  CHECK(c.checks.sysfs_root == "/tmp/sys");
  CHECK(c.checks.planned_shift == 480min);
  CHECK(c.checks.battery_drain_percent_per_hour == 12);
  CHECK(c.checks.battery_reserve_percent == 15);
  CHECK(c.checks.storage_reserve_mb == 64);
  CHECK(c.checks.max_sync_age == std::chrono::hours(48));
  CHECK(c.checks.max_sync_offset_ms == 500);
  CHECK(c.checks.microphone_node == "/dev/snd/pcmC0D0c");
  CHECK(c.checks.poll_interval == 2s);
  CHECK(c.annotation.kind == annotation_source_kind::file);
  CHECK(c.annotation.file_path == "/s/statement.wav");
  CHECK(c.annotation.max_duration == 30s);
  CHECK(c.annotation.trailing_silence_ms == 800);
  CHECK(c.feedback.log_file == "/run/feedback.log");
  CHECK(c.feedback.leds_dir == "/sys/class/leds");
  CHECK(c.feedback.alarm_led == "red:alarm");
  CHECK(c.feedback.prompt_led == "green:rec");
  CHECK(c.feedback.alsa_device == "hw:0");
  CHECK(c.feedback.prompt_file == "/usr/share/bodycam/prompt.wav");
  CHECK(c.buttons.device == "/dev/input/event3");
  CHECK(c.buttons.record_key == 212);
}

TEST_CASE("a value out of range names the origin, the key, the limits and the value") {
  parse_options options;
  options.origin = "/etc/bodycam/recorder.toml";
  auto parsed = parse_recorder_config(minimal + "[encoder]\nfps = 500\n", options);
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().code == errc::invalid_argument);
  CHECK(parsed.error().context == "config /etc/bodycam/recorder.toml: encoder.fps: must be between 1 and 120, got 500");
}

TEST_CASE("a misspelt key is refused, not ignored") {
  const auto message = error_of(minimal + "[encoder]\nfsp = 30\n");
  CHECK(message.find("config <string>: encoder.fsp: unknown key (line 4)") == 0);
  CHECK(message.find("known keys: name, width, height, fps,") != std::string::npos);
}

TEST_CASE("a misspelt section is refused and the known sections are listed") {
  const auto message = error_of(minimal + "[encodr]\nfps = 30\n");
  CHECK(message.find("encodr: unknown section (line 3)") != std::string::npos);
  CHECK(message.find("known sections: device, source, encoder, osd, segment, pre_event, queues, control") !=
        std::string::npos);
}

TEST_CASE("a top-level key outside any section is an unknown section") {
  CHECK(error_of("fps = 30\n" + minimal).find("fps: unknown section (line 1)") != std::string::npos);
}

TEST_CASE("a nested table inside a section is an unknown key") {
  CHECK(error_of(minimal + "[encoder.extra]\nx = 1\n").find("encoder.extra: unknown key") != std::string::npos);
}

TEST_CASE("a quoted key with odd characters is shown quoted and printable") {
  CHECK(error_of(minimal + "[osd]\n\"a b\\u0001\" = 1\n").find("osd.\"a b?\": unknown key") != std::string::npos);
}

TEST_CASE("type errors name the key, the expected type and what was found") {
  struct type_case {
    const char* text;
    const char* message;
  };
  const type_case cases[] = {
      {"[encoder]\nfps = \"30\"\n", "encoder.fps: expected an integer, got a string (\"30\")"},
      {"[encoder]\nfps = 30.0\n", "encoder.fps: expected an integer, got a floating-point number"},
      {"[osd]\nenabled = \"yes\"\n", "osd.enabled: expected a boolean (true or false), got a string (\"yes\")"},
      {"[osd]\nenabled = 1\n", "osd.enabled: expected a boolean (true or false), got an integer (1)"},
      {"[segment]\nduration_seconds = [60]\n", "segment.duration_seconds: expected an integer, got an array"},
      {"[device]\nid = \"cam-7\"\nledger = 5\n", "device.ledger: expected a string, got an integer (5)"},
      {"[source]\nkind = true\n",
       "source.kind: expected a string (one of synthetic, v4l2, file), got a boolean (true)"},
      {"encoder = 5\n[device]\nid = \"cam-7\"\n", "encoder: expected a table ([encoder]), got an integer (5)"},
      {"[[encoder]]\nfps = 5\n", "encoder: expected a table ([encoder]), got an array"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    std::string text = c.text;
    if (text.find("[device]") == std::string::npos) text = minimal + text;
    auto parsed = parse_recorder_config(text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().code == errc::malformed);
    CHECK(parsed.error().context == std::string("config <string>: ") + c.message);
  }
}

TEST_CASE("out-of-range and invalid values are refused with the key and value") {
  struct value_case {
    const char* text;
    const char* message;
  };
  const value_case cases[] = {
      {"[encoder]\nwidth = 1281\n", "encoder.width: must be even, got 1281"},
      {"[encoder]\nheight = 100\n", "encoder.height: must be between 120 and 2160, got 100"},
      {"[encoder]\nfps = 0\n", "encoder.fps: must be between 1 and 120, got 0"},
      {"[encoder]\nfps = -9223372036854775808\n", "encoder.fps: must be between 1 and 120, got -9223372036854775808"},
      {"[encoder]\ngop_seconds = 11\n", "encoder.gop_seconds: must be between 1 and 10, got 11"},
      {"[encoder]\nname = \"x264; rm\"\n",
       "encoder.name: must be a libavcodec encoder name such as \"libx264\", got \"x264; rm\""},
      {"[encoder]\nvideo_bitrate_kbps = 99\n", "encoder.video_bitrate_kbps: must be between 100 and 50000, got 99"},
      {"[segment]\nduration_seconds = 0\n", "segment.duration_seconds: must be between 1 and 3600, got 0"},
      {"[pre_event]\nseconds = 301\n", "pre_event.seconds: must be between 0 and 300, got 301"},
      {"[queues]\nraw_video_frames = 0\n", "queues.raw_video_frames: must be between 1 and 256, got 0"},
      {"[control]\nmax_clients = 65\n", "control.max_clients: must be between 1 and 64, got 65"},
      {"[control]\nsocket_path = \"\"\n", "control.socket_path: must not be empty"},
      {"[source]\nkind = \"usb\"\n", "source.kind: must be one of synthetic, v4l2, file, got \"usb\""},
      {"[source]\nsynthetic_pattern = \"noise\"\n",
       "source.synthetic_pattern: must be one of testsrc2, testsrc, smptebars, smptehdbars, rgbtestsrc, yuvtestsrc, "
       "mandelbrot, got \"noise\""},
      {"[source]\nkind = \"file\"\n", "source.file_path: required when source.kind is \"file\""},
      {"[source]\npass_through_h264 = true\n",
       "source.pass_through_h264: only valid when source.kind is \"v4l2\", source.kind is \"synthetic\""},
      {"[source]\nkind = \"v4l2\"\naudio_device = \"\"\n",
       "source.audio_device: must name an ALSA device when source.kind is \"v4l2\""},
      {"[encoder]\ngop_seconds = 6\n[segment]\nduration_seconds = 5\n",
       "segment.duration_seconds: 5 s is shorter than one GOP (6 s)"},
      {"[encoder]\ngop_seconds = 4\n[pre_event]\nseconds = 3\n",
       "pre_event.seconds: 3 s is neither 0 (off) nor at least one GOP (4 s)"},
      {"[checks]\nbattery_reserve_percent = 0\n", "checks.battery_reserve_percent: must be between 1 and 50, got 0"},
      {"[checks]\nplanned_shift_minutes = 1441\n",
       "checks.planned_shift_minutes: must be between 1 and 1440, got 1441"},
      {"[checks]\npoll_seconds = 0\n", "checks.poll_seconds: must be between 1 and 600, got 0"},
      {"[annotation]\nkind = \"file\"\n", "annotation.file_path: required when annotation.kind is \"file\""},
      {"[annotation]\nkind = \"bluetooth\"\n", "annotation.kind: must be one of alsa, file, none, got \"bluetooth\""},
      {"[annotation]\nmax_seconds = 121\n", "annotation.max_seconds: must be between 1 and 120, got 121"},
      {"[annotation]\ndevice = \"\"\n", "annotation.device: must name an ALSA device when annotation.kind is \"alsa\""},
      {"[feedback]\nalarm_led = \"../x\"\n",
       "feedback.alarm_led: must be the name of an LED in leds_dir, got \"../x\""},
      {"[feedback]\nprompt_file = \"/p.wav\"\n",
       "feedback.prompt_file: needs alsa_device (the prompt file is played through ALSA)"},
      {"[buttons]\nrecord_key = 0\n", "buttons.record_key: must be between 1 and 767, got 0"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto parsed = parse_recorder_config(minimal + c.text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().code == errc::invalid_argument);
    CHECK(parsed.error().context == std::string("config <string>: ") + c.message);
  }
}

TEST_CASE("feedback alsa_device and prompt_file: \"\" is off, as written in the example") {
  auto off = parse_recorder_config(minimal + "[feedback]\nalsa_device = \"\"\nprompt_file = \"\"\n");
  REQUIRE(off.has_value());
  CHECK(off->feedback.alsa_device.empty());
  CHECK(off->feedback.prompt_file.empty());
  auto tones = parse_recorder_config(minimal + "[feedback]\nalsa_device = \"default\"\nprompt_file = \"\"\n");
  REQUIRE(tones.has_value());
  CHECK(tones->feedback.alsa_device == "default");
  CHECK(tones->feedback.prompt_file.empty());
  auto wrong = parse_recorder_config(minimal + "[feedback]\nalsa_device = 3\n");
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().context == "config <string>: feedback.alsa_device: expected a string, got an integer (3)");
}

TEST_CASE("pre_event.seconds = 0 turns the pre-event buffer off whatever the GOP") {
  auto parsed = parse_recorder_config(minimal + "[encoder]\ngop_seconds = 4\n[pre_event]\nseconds = 0\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->pre_event.duration == 0s);
}

TEST_CASE("a 120 s pre-event buffer with audio and a larger byte bound; the bound's limits") {
  auto parsed =
      parse_recorder_config(minimal + "[pre_event]\nseconds = 120\ninclude_audio = true\nmax_megabytes = 96\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->pre_event.duration == 120s);
  CHECK(parsed->pre_event.keep_audio);
  CHECK(parsed->pre_event.max_bytes == std::size_t{96} * 1024 * 1024);
  CHECK(parse_recorder_config(minimal)->pre_event.max_bytes == std::size_t{64} * 1024 * 1024);
  CHECK(error_of(minimal + "[pre_event]\nmax_megabytes = 0\n").find("pre_event.max_megabytes") != std::string::npos);
  CHECK(error_of(minimal + "[pre_event]\nmax_megabytes = 1025\n").find("pre_event.max_megabytes") !=
        std::string::npos);
}

TEST_CASE("checks.resume_window_seconds: default 30 min, 0 to 4 h") {
  CHECK(parse_recorder_config(minimal)->checks.resume_window == 1800s);
  auto parsed = parse_recorder_config(minimal + "[checks]\nresume_window_seconds = 0\n");
  REQUIRE(parsed.has_value());
  CHECK(parsed->checks.resume_window == 0s);
  CHECK(error_of(minimal + "[checks]\nresume_window_seconds = 14401\n").find("checks.resume_window_seconds") !=
        std::string::npos);
  CHECK(error_of(minimal + "[checks]\nresume_window_seconds = -1\n").find("checks.resume_window_seconds") !=
        std::string::npos);
}

TEST_CASE("device.id is required and must be a safe label") {
  CHECK(error_of("[encoder]\nfps = 30\n").find("config <string>: device.id: required") == 0);
  CHECK(error_of("").find("device.id: required") != std::string::npos);
  for (const std::string& bad : std::vector<std::string>{".hidden", "a/b", "", "cam 1", std::string(65, 'a')}) {
    INFO(bad);
    const auto message = error_of("[device]\nid = \"" + bad + "\"\n");
    CHECK(message.find("device.id: must be 1-64 characters") != std::string::npos);
  }
  auto longest = parse_recorder_config("[device]\nid = \"" + std::string(64, 'a') + "\"\n");
  CHECK(longest.has_value());
}

TEST_CASE("officer_id follows the device-id rule when set") {
  CHECK(error_of(minimal + "officer_id = \"PC 12\"\n").find("device.officer_id: must be 1-64") != std::string::npos);
  auto ok = parse_recorder_config(minimal + "officer_id = \"PC-12\"\n");
  REQUIRE(ok.has_value());
  CHECK(ok->device.officer_id == "PC-12");
}

TEST_CASE("values shown in messages are shortened and stripped of control characters") {
  const auto message = error_of(minimal + "[source]\nkind = \"a\\u001b[31m" + std::string(200, 'x') + "\"\n");
  CHECK(message.find("got \"a?[31mxxx") != std::string::npos);
  CHECK(message.find("...\"") != std::string::npos);
  CHECK(message.find('\x1b') == std::string::npos);
  CHECK(message.size() < 200);
}

TEST_CASE("TOML syntax errors give origin:line:column") {
  parse_options options;
  options.origin = "rec.toml";
  const auto message = error_of("[device]\nid = \"cam-7\"\nfps = = 3\n", options);
  CHECK(message.find("config rec.toml:3:") == 0);
  const auto duplicate = error_of(minimal + "[encoder]\nfps = 1\nfps = 2\n", options);
  CHECK(duplicate.find("config rec.toml:5:") == 0);
  auto parsed = parse_recorder_config("[device\n", options);
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().code == errc::malformed);
}

TEST_CASE("dotted keys and inline tables are the same configuration") {
  auto dotted = parse_recorder_config("device.id = \"cam-7\"\nencoder.fps = 25\ncontrol = { max_clients = 3 }\n");
  REQUIRE(dotted.has_value());
  CHECK(dotted->encoder.fps == 25);
  CHECK(dotted->control.max_clients == 3);
}

TEST_CASE("relative paths are resolved against the base directory, absolute ones are kept") {
  parse_options options;
  options.base_directory = "/srv/cam";
  auto parsed = parse_recorder_config(minimal + "ledger = \"state/ledger.db\"\nkey_file = \"/keys/k\"\n", options);
  REQUIRE(parsed.has_value());
  CHECK(parsed->device.ledger == "/srv/cam/state/ledger.db");
  CHECK(parsed->device.key_file == "/keys/k");
  CHECK(parsed->device.recording_dir == "/var/lib/bodycam/segments");  // defaults are absolute already

  auto unresolved = parse_recorder_config(minimal + "ledger = \"state/ledger.db\"\n");
  REQUIRE(unresolved.has_value());
  CHECK(unresolved->device.ledger == "state/ledger.db");
}

TEST_CASE("a socket name too long for sockaddr_un even through its folder is refused") {
  const auto message = error_of(minimal + "[control]\nsocket_path = \"/" + std::string(107, 's') + "\"\n");
  CHECK(message.find("control.socket_path: the socket's file name must be at most 80 bytes, got 107") !=
        std::string::npos);
}

TEST_CASE("a socket path longer than sockaddr_un with a short name is accepted") {
  const std::string deep = "/" + std::string(150, 'd') + "/recorder.sock";
  auto parsed = parse_recorder_config(minimal + "[control]\nsocket_path = \"" + deep + "\"\n");
  INFO((parsed ? std::string() : parsed.error().context));
  REQUIRE(parsed.has_value());
  CHECK(parsed->control.socket_path == deep);
}

// The media settings have one set of limits (media::limits) and one validation (media::validate); the parser
// reads each key within those limits and runs that validation on what it read.
TEST_CASE("the media keys are read within media::limits, at both ends") {
  namespace lim = bodycam::firmware::media::limits;
  struct key_case {
    const char* section;
    const char* key;
    bodycam::firmware::media::limit field;
    std::int64_t scale;  // field unit per key unit
  };
  const key_case cases[] = {
      {"encoder", "width", lim::width, 1},
      {"encoder", "height", lim::height, 1},
      {"encoder", "fps", lim::fps, 1},
      {"encoder", "gop_seconds", lim::gop_ms, 1000},
      {"encoder", "video_bitrate_kbps", lim::video_bit_rate, 1000},
      {"encoder", "audio_bitrate_kbps", lim::audio_bit_rate, 1000},
      {"segment", "duration_seconds", lim::segment_ms, 1000},
      {"pre_event", "seconds", lim::pre_event_ms, 1000},
      {"queues", "raw_video_frames", lim::raw_video_frames, 1},
      {"queues", "raw_audio_frames", lim::raw_audio_frames, 1},
      {"queues", "encoded_packets", lim::encoded_packets, 1},
  };
  int checked = 0;
  for (const auto& c : cases) {
    const std::int64_t low = (c.field.min + c.scale - 1) / c.scale;
    const std::int64_t high = c.field.max / c.scale;
    INFO(std::string(c.section) + "." + c.key + " in " + std::to_string(low) + ".." + std::to_string(high));
    const auto text = [&](std::int64_t v) {
      // A short GOP so that segment and pre-event values at their lower ends are not below one GOP.
      const std::string gop = std::string(c.key) == "gop_seconds" ? "" : "[encoder]\ngop_seconds = 1\n";
      if (std::string(c.section) == "encoder")
        return minimal + "[encoder]\n" + c.key + " = " + std::to_string(v) + "\n";
      return minimal + gop + "[" + c.section + "]\n" + c.key + " = " + std::to_string(v) + "\n";
    };
    for (const auto v : {low, high}) {
      auto parsed = parse_recorder_config(text(v));
      INFO("value " << v << ": " << (parsed ? std::string("accepted") : parsed.error().context));
      CHECK(parsed.has_value());
    }
    for (const auto v : {low - 1, high + 1}) {
      const std::string expected = std::string("config <string>: ") + c.section + "." + c.key + ": must be between " +
                                   std::to_string(low) + " and " + std::to_string(high) + ", got " + std::to_string(v);
      CHECK(error_of(text(v)) == expected);
    }
    ++checked;
  }
  CHECK(checked == 11);
  CHECK(lim::fps.max == 120);  // the one fps limit (the encoder's and the config's)
}

TEST_CASE("the parser refuses what media::validate refuses: an OSD over pass-through H.264") {
  const std::string v4l2 = minimal + "[source]\nkind = \"v4l2\"\npass_through_h264 = true\n";
  // No section rule mentions the OSD and pass-through together; only media::validate does.
  CHECK(error_of(v4l2) ==
        "config <string>: osd.enabled: the OSD needs re-encoding; encoder 'copy' (pass-through) cannot burn in text");
  auto parsed = parse_recorder_config(v4l2 + "[osd]\nenabled = false\n");
  REQUIRE(parsed.has_value());
  const auto settings = pipeline_settings(*parsed);
  CHECK(settings.encoder.video_encoder == "copy");
  CHECK(parsed->encoder.video_encoder == "libx264");
  CHECK(bodycam::firmware::media::validate(settings).has_value());
}

TEST_CASE("pipeline_settings: the configured source becomes the pipeline's inputs, identities and directory") {
  auto parsed = parse_recorder_config(
      "[device]\nid = \"cam-7\"\nofficer_id = \"pc-12\"\nrecording_dir = \"/r\"\n"
      "[encoder]\nwidth = 640\nheight = 480\nfps = 10\n");
  REQUIRE(parsed.has_value());
  const auto p = pipeline_settings(*parsed);
  CHECK(p.source.video.kind == bodycam::firmware::media::input_kind::lavfi);
  CHECK(p.source.video.url == "testsrc2=size=640x480:rate=10");
  REQUIRE(p.source.audio.has_value());
  CHECK(p.source.audio->url == "sine=frequency=440:sample_rate=48000");
  CHECK(p.output_dir == "/r");
  CHECK(p.device_id == "cam-7");
  CHECK(p.officer_id == "pc-12");
  CHECK(bodycam::firmware::media::validate(p).has_value());
}

TEST_CASE("[session] actions: the default list, a custom list, and every refusal") {
  const auto defaults = parse_recorder_config(minimal).value();
  CHECK(defaults.session.actions == std::vector<std::string>{"inspection", "on_site_penalty", "seizure", "enforcement",
                                                             "inquiry", "other"});
  CHECK(defaults.buttons.mark_key == 0);
  const auto custom =
      parse_recorder_config(minimal + "[session]\nactions = [\"patrol\", \"seizure\"]\n[buttons]\nmark_key = 2\n").value();
  CHECK(custom.session.actions == std::vector<std::string>{"patrol", "seizure"});
  CHECK(custom.buttons.mark_key == 2);
  CHECK(error_of(minimal + "[session]\nactions = []\n").find("session.actions: must name at least one") !=
        std::string::npos);
  CHECK(error_of(minimal + "[session]\nactions = [\"on site\"]\n").find("session.actions: must be 1-64 characters") !=
        std::string::npos);
  CHECK(error_of(minimal + "[session]\nactions = [\"a\", \"a\"]\n").find("twice") != std::string::npos);
  CHECK(error_of(minimal + "[session]\nactions = [1]\n").find("session.actions") != std::string::npos);
  CHECK(error_of(minimal + "[session]\nactions = \"inspection\"\n").find("session.actions") != std::string::npos);
  CHECK(error_of(minimal + "[buttons]\nmark_key = 167\n").find("buttons.mark_key: must differ") != std::string::npos);
}

TEST_CASE("[footage]: no key means footage in the clear; keys are public key files, the escrow after the agency's") {
  auto plain = parse_recorder_config(minimal);
  REQUIRE(plain.has_value());
  CHECK_FALSE(plain->footage.is_encrypted());
  CHECK(plain->footage.escrow_key_file.empty());

  auto both = parse_recorder_config(minimal +
                                    "[footage]\npublic_key_file = \"/etc/bodycam/agency.pub\"\n"
                                    "escrow_key_file = \"/etc/bodycam/escrow.pub\"\n");
  REQUIRE(both.has_value());
  CHECK(both->footage.is_encrypted());
  CHECK(both->footage.public_key_file == "/etc/bodycam/agency.pub");
  CHECK(both->footage.escrow_key_file == "/etc/bodycam/escrow.pub");

  CHECK(error_of(minimal + "[footage]\nescrow_key_file = \"/etc/bodycam/escrow.pub\"\n")
            .find("footage.escrow_key_file: needs public_key_file") != std::string::npos);
  CHECK(error_of(minimal + "[footage]\nsecret_key_file = \"/x\"\n").find("footage.secret_key_file: unknown key") !=
        std::string::npos);
}

}  // namespace config_parser_test
