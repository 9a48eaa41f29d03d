// Configuration validation: the defaults are usable, and each bad value is refused naming its field.
#include "firmware/media/pipeline_config.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;
using bodycam::common::core::errc;

namespace {
pipeline_config usable() {
  pipeline_config c;
  c.source.video.url = "testsrc2";
  c.output_dir = "/tmp";
  c.device_id = "CAM-1";
  c.officer_id = "4711";
  return c;
}
std::string refusal(const pipeline_config& c) {
  auto ok = validate(c);
  if (ok) return "";
  CHECK(ok.error().code == errc::invalid_argument);
  return ok.error().context;
}
}  // namespace

TEST_CASE("config: the defaults (1280x720, 30 fps, 1 s GOP, 60 s segments, 30 s pre-event) are valid") {
  const auto c = usable();
  CHECK(validate(c));
  CHECK(c.encoder.gop_frames() == 30);
  CHECK(c.segment.duration == std::chrono::seconds(60));
  CHECK(c.pre_event.duration == std::chrono::seconds(30));
}

TEST_CASE("config: a camera with no officer assigned yet is valid (it must still record)") {
  auto c = usable();
  c.officer_id.clear();
  CHECK(validate(c));
}

TEST_CASE("config: each bad value is refused with the field's name") {
  auto c = usable();
  c.encoder.fps = 0;
  CHECK(refusal(c).starts_with("encoder.fps: 0 is out of range"));
  c = usable();
  c.encoder.fps = 15;
  c.encoder.gop = std::chrono::milliseconds(100);  // 1.5 frames
  CHECK(refusal(c).starts_with("encoder.gop: 100 ms is not a whole number of frames at 15 fps"));
  c = usable();
  c.encoder.width = 321;
  CHECK(refusal(c).starts_with("encoder.width/height"));
  c = usable();
  c.encoder.video_encoder = "copy";
  CHECK(refusal(c).starts_with("osd.enabled"));
  c.osd.enabled = false;
  CHECK(validate(c));
  c = usable();
  c.segment.duration = std::chrono::milliseconds(500);
  CHECK(refusal(c).starts_with("segment.duration: 500 ms is shorter than one GOP"));
  c = usable();
  c.officer_id = "tab\there";
  CHECK(refusal(c).starts_with("officer_id"));
  c = usable();
  c.device_id = "";
  CHECK(refusal(c).starts_with("device_id"));
  c = usable();
  c.source.video.kind = input_kind::alsa;
  CHECK(refusal(c).starts_with("source.video.kind"));
  c = usable();
  c.source.video.at_end = input_end::loop;
  CHECK(refusal(c).starts_with("source.video.at_end"));
  c = usable();
  c.source.audio = input_config{input_kind::file, "speech.wav", {}, false, input_end::pad_silence};
  CHECK(validate(c));
  c.queues.video_packets = 0;
  CHECK(refusal(c).starts_with("queues"));
}

TEST_CASE("config: session ids must be safe file-name parts") {
  CHECK(validate_session_id("2024-05-01T10.00_S-1"));
  CHECK_FALSE(validate_session_id(""));
  CHECK_FALSE(validate_session_id(".hidden"));
  CHECK_FALSE(validate_session_id("a/b"));
  CHECK_FALSE(validate_session_id(std::string(65, 'a')));
  CHECK(segment_file_name("S1", 7) == "S1-000007.mp4");
}

TEST_CASE("config: the limits are media::limits, at both ends, and a field_namer renames the field") {
  auto c = usable();
  c.encoder.fps = static_cast<int>(limits::fps.max);
  c.encoder.gop = std::chrono::seconds(1);
  CHECK(validate(c));
  c.encoder.fps = static_cast<int>(limits::fps.max + 1);
  CHECK(refusal(c) == "encoder.fps: 121 is out of range 1..120");
  c = usable();
  c.encoder.width = static_cast<int>(limits::width.min - 2);
  CHECK(refusal(c) == "encoder.width: 158 is out of range 160..3840");
  c = usable();
  c.encoder.gop = std::chrono::seconds(11);
  c.segment.duration = std::chrono::seconds(60);
  CHECK(refusal(c) == "encoder.gop: 11 s is out of range 1 s..10 s");
  c = usable();
  c.queues.audio_frames = limits::raw_audio_frames.max + 1;
  CHECK(refusal(c) == "queues.audio_frames: 4097 is out of range 1..4096");
  c = usable();
  c.encoder.fps = 0;
  auto named = validate(c, [](std::string_view field) { return "[" + std::string(field) + "]"; });
  REQUIRE_FALSE(named);
  CHECK(named.error().context == "[encoder.fps]: 0 is out of range 1..120");
}

TEST_CASE("config: a pre-event buffer is off or at least one GOP") {
  auto c = usable();
  c.encoder.gop = std::chrono::seconds(2);
  c.pre_event.duration = std::chrono::seconds(1);
  CHECK(refusal(c) == "pre_event.duration: 1 s is neither 0 (off) nor at least one GOP (2 s)");
  c.pre_event.duration = std::chrono::seconds(0);
  CHECK(validate(c));
  c.pre_event.duration = std::chrono::seconds(2);
  CHECK(validate(c));
  c.pre_event.duration = std::chrono::milliseconds(limits::pre_event_ms.max + 1000);
  CHECK(refusal(c) == "pre_event.duration: 301 s is out of range 0 s..300 s");
}
