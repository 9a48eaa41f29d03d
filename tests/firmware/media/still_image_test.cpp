// Photos from the live pipeline and the OSD's session line: stills are the frames the encoder takes, as
// JPEG, while the recording goes on without losing a frame; the session line is drawn where it belongs and
// switched off when empty; osd_session_line produces the exact text.
#include "firmware/media/osd_text.hpp"
#include "firmware/media/posix_segment_storage.hpp"
#include "firmware/media/recording_pipeline.hpp"
#include "firmware/media/still_image.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;
using namespace bodycam::firmware::media::test;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;

TEST_CASE("osd_session_line: action, case and officers on one line that fits 1280x720") {
  const std::vector<std::string> two{"officer-7", "officer-9"};
  CHECK(osd_session_line("on_site_penalty", "CASE-2026-0042", two) ==
        "ACT on_site_penalty  CASE CASE-2026-0042  OFC 2: officer-7 officer-9");
  CHECK(osd_session_line("inspection", "", two) == "ACT inspection  OFC 2: officer-7 officer-9");
  const std::vector<std::string> wearer{"officer-7"};
  CHECK(osd_session_line("", "", wearer) == "ACT -  OFC 1: officer-7");
  CHECK(osd_session_line("", "", {}) == "");
  CHECK(osd_session_line("seizure", "C-1", {}) == "ACT seizure  CASE C-1");
  // Too many officers for the line: the rest are counted, none is dropped silently.
  const std::vector<std::string> many{"officer-7", "officer-9", "officer-11", "officer-12", "officer-13", "officer-14"};
  const auto line = osd_session_line("enforcement", "CASE-2026-0042", many);
  CHECK(line.size() <= osd_session_line_chars);
  CHECK(line == "ACT enforcement  CASE CASE-2026-0042  OFC 6: officer-7 officer-9 +4");
  // Anything that is not printable ASCII is shown as '?'.
  CHECK(osd_session_line("inspection", std::string("C-\x07\xc3"), {}) == "ACT inspection  CASE C-??");
}

TEST_CASE("photos are the live frames as JPEG; the recording loses no frame", "[integration]") {
  temp_dir dir;
  recording_sink sink;
  posix_segment_storage storage;
  auto config = small_config(dir.path());
  config.source.audio.reset();
  auto pipeline = recording_pipeline::open(config, sink, storage);
  REQUIRE(pipeline);
  REQUIRE((*pipeline)->start("PHOTO"));
  REQUIRE(wait_for([&] { return (*pipeline)->status().counters.packets_written > 5; }, std::chrono::seconds(60)));
  std::vector<std::int64_t> pts;
  const auto before = std::chrono::system_clock::now();
  for (int i = 0; i < 5; ++i) {
    auto still = (*pipeline)->take_still(std::chrono::seconds(5));
    REQUIRE(still.has_value());
    CHECK(still->frame->width == config.encoder.width);
    CHECK(still->frame->height == config.encoder.height);
    CHECK(still->base.den == config.encoder.fps);
    CHECK(still->captured_utc >= before - std::chrono::seconds(2));
    auto jpeg = encode_jpeg(*still->frame);
    REQUIRE(jpeg.has_value());
    REQUIRE(jpeg->size() > 100);
    CHECK((*jpeg)[0] == 0xff);  // SOI
    CHECK((*jpeg)[1] == 0xd8);
    CHECK((*jpeg)[jpeg->size() - 2] == 0xff);  // EOI
    CHECK((*jpeg)[jpeg->size() - 1] == 0xd9);
    pts.push_back(still->pts);
  }
  for (std::size_t k = 0; k + 1 < pts.size(); ++k) CHECK(pts[k] < pts[k + 1]);  // each a later frame
  REQUIRE(wait_for([&] { return !sink.sealed().empty(); }, std::chrono::seconds(60)));
  // Shut down while recording: everything captured goes to the session (a stop would send the frames after
  // it to the pre-event ring, which the equation below does not count).
  REQUIRE((*pipeline)->shutdown());
  const auto status = (*pipeline)->status();
  const auto& n = status.counters;
  // Every captured frame was written (or, before the start, not kept by the ring): taking photos cost none.
  CHECK(n.packets_written + n.pre_event_dropped + n.pre_event_refused + n.packets_before_keyframe ==
        n.video_frames_captured);
  CHECK(n.packets_lost == 0);
  CHECK(n.source_gap_frames == 0);
  // After the end no frame comes: refused, not hung.
  auto late = (*pipeline)->take_still(std::chrono::seconds(1));
  REQUIRE_FALSE(late.has_value());
  CHECK(late.error().code == bodycam::common::core::errc::closed);
}

TEST_CASE("encode_jpeg refuses a pixel format mjpeg cannot take, naming it") {
  auto frame = make_frame().value();
  frame->format = AV_PIX_FMT_NV12;
  frame->width = 16;
  frame->height = 16;
  REQUIRE(av_frame_get_buffer(frame.get(), 0) == 0);
  auto jpeg = encode_jpeg(*frame);
  REQUIRE_FALSE(jpeg.has_value());
  CHECK(jpeg.error().context == "encode photo as JPEG: pixel format nv12 is not a planar YUV format mjpeg takes");
}

TEST_CASE("the OSD session line is drawn on line 3 from the next frame and switched off when empty",
          "[integration]") {
  const int width = 320;
  temp_dir dir;
  recording_sink sink;
  posix_segment_storage storage;
  auto config = small_config(dir.path());
  config.source.video.url = "color=c=black:size=320x240:rate=15";
  config.source.audio.reset();
  config.osd.enabled = true;
  config.queues.video_frames = 4;
  config.queues.video_packets = 4;
  auto pipeline = recording_pipeline::open(config, sink, storage);
  REQUIRE(pipeline);
  REQUIRE((*pipeline)->start("LINE"));
  REQUIRE(wait_for([&] { return !sink.sealed().empty(); }, std::chrono::seconds(60)));
  // The segment sealed when a line is set may already have frames behind it in the encoder and the writer, so
  // each check reads a segment two after the one sealed last at the change.
  const std::size_t set_at = sink.sealed().size();
  (*pipeline)->set_session_line("ACT seizure  CASE C-1: a\\b%{pts}'x'  OFC 2: officer-7 officer-9");
  REQUIRE(wait_for([&] { return sink.sealed().size() >= set_at + 3; }, std::chrono::seconds(60)));
  const std::size_t off_at = sink.sealed().size();
  (*pipeline)->set_session_line("");
  REQUIRE(wait_for([&] { return sink.sealed().size() >= off_at + 3; }, std::chrono::seconds(60)));
  REQUIRE((*pipeline)->shutdown());
  const auto sealed = sink.sealed();
  REQUIRE(sealed.size() >= off_at + 3);
  // Font 10 px, margin 5, spacing 2: line 3 at y 29..39.
  const auto without = first_frame_luma(dir.path() / sealed[0].file_name);
  const auto with = first_frame_luma(dir.path() / sealed[set_at + 2].file_name);
  const auto off = first_frame_luma(dir.path() / sealed[off_at + 2].file_name);
  REQUIRE(with.size() == std::size_t{320} * 240);
  CHECK(bright_pixels(without, width, 0, 28, 320, 40) == 0);
  CHECK(bright_pixels(with, width, 0, 28, 320, 40) > 100);
  CHECK(bright_pixels(off, width, 0, 28, 320, 40) == 0);
  CHECK(bright_pixels(with, width, 0, 60, 320, 240) == 0);  // and nowhere else
}
