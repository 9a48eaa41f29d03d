// The OSD's place line (video_filter invariant 5): "NO FIX" at first, replaced by a position the caller
// sets while recording, from the next frames on, without a rebuild and without stopping the pipeline.
#include "firmware/media/posix_segment_storage.hpp"
#include "firmware/media/recording_pipeline.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;
using namespace bodycam::firmware::media::test;
using bodycam::tests::temp_dir;
namespace fs = std::filesystem;

TEST_CASE("the OSD place line shows NO FIX, then the position set while recording", "[integration]") {
  const int width = 320;
  temp_dir dir;
  recording_sink sink;
  posix_segment_storage storage;
  auto config = small_config(dir.path());
  config.source.video.url = "color=c=black:size=320x240:rate=15";
  config.source.audio.reset();
  config.osd.enabled = true;
  config.osd.clock_synced = true;  // no marker: the place line is the only text below line 2
  config.osd.place_line = true;
  config.queues.video_frames = 4;
  config.queues.video_packets = 4;
  auto pipeline = recording_pipeline::open(config, sink, storage);
  REQUIRE(pipeline);
  REQUIRE((*pipeline)->start("PLACE"));
  REQUIRE(wait_for([&] { return !sink.sealed().empty(); }, std::chrono::seconds(60)));
  (*pipeline)->set_place_text("POS 48.1372000 N 11.5755000 E");
  REQUIRE(wait_for([&] { return sink.sealed().size() >= 4; }, std::chrono::seconds(60)));
  REQUIRE((*pipeline)->shutdown());
  const auto first = first_frame_luma(dir.path() / sink.sealed().front().file_name);
  const auto last = first_frame_luma(dir.path() / sink.sealed().back().file_name);
  REQUIRE(first.size() == std::size_t{320} * 240);
  // Font 10 px, margin 5: the place line (line 5) at y 53..64. "NO FIX" is short; the position reaches far right.
  CHECK(bright_pixels(first, width, 0, 53, 60, 66) > 20);
  CHECK(bright_pixels(first, width, 100, 53, 320, 66) == 0);
  CHECK(bright_pixels(last, width, 100, 53, 320, 66) > 50);
  CHECK(bright_pixels(last, width, 0, 70, 320, 240) == 0);  // nothing drawn below it
}
