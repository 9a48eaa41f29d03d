// Exact media time arithmetic and the frame clock that puts source timestamps on the timeline.
#include "firmware/media/frame_clock.hpp"
#include "firmware/media/media_time.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;
using namespace std::chrono_literals;

TEST_CASE("media time: compares exactly across time bases") {
  CHECK(media_time{1, {1, 15}} == media_time{1024, {1, 15360}});
  CHECK(media_time{1, {1, 15}} < media_time{1025, {1, 15360}});
  CHECK(media_time{48000, {1, 48000}} == media_time::from_chrono(1s));
  CHECK(elapsed_at_least(media_time{15, {1, 15}}, media_time{46080, {1, 15360}}, 2s));
  CHECK_FALSE(elapsed_at_least(media_time{15, {1, 15}}, media_time{46079, {1, 15360}}, 2s));
  CHECK(elapsed(media_time{0, {1, 15}}, media_time{1, {1, 15}}) == 66666us);
  CHECK(media_time{15, {1, 15}}.rescaled({1, 48000}).ticks == 48000);
  CHECK(to_string(media_time{3, {1, 2}}) == "1.500000 s");
}

TEST_CASE("media time: ticks_between rounds to the nearest tick") {
  const media_time zero{0, {1, 1'000'000}};
  CHECK(ticks_between(zero, media_time{66'667, {1, 1'000'000}}, {1, 15}) == 1);
  CHECK(ticks_between(zero, media_time{33'333, {1, 1'000'000}}, {1, 15}) == 0);
  CHECK(ticks_between(zero, media_time{33'334, {1, 1'000'000}}, {1, 15}) == 1);
  CHECK(ticks_between(zero, media_time{-66'667, {1, 1'000'000}}, {1, 15}) == -1);
}

TEST_CASE("frame clock: the first frame is timeline_start, jitter rounds to whole frames") {
  frame_clock clock({1, 15});
  const timebase us{1, 1'000'000};
  const std::int64_t origin = 5'000'000'000;   // a device clock far from zero
  CHECK(clock.stamp({origin, us}).pts == 15);  // 1 s at 15 fps
  const auto second = clock.stamp({origin + 66'000, us});
  CHECK(second.pts == 16);
  CHECK(second.missing_frames == 0);
  CHECK_FALSE(second.fixed_up);
  CHECK(clock.stamp({origin + std::int64_t{2} * 66'667 + 20'000, us}).pts == 17);
}

TEST_CASE("frame clock: counts frames a source skipped and fixes non-increasing timestamps") {
  frame_clock clock({1, 15});
  const timebase tb{1, 15};
  CHECK(clock.stamp({100, tb}).pts == 15);
  const auto jump = clock.stamp({104, tb});  // frames 101..103 never came
  CHECK(jump.pts == 19);
  CHECK(jump.missing_frames == 3);
  const auto repeat = clock.stamp({104, tb});
  CHECK(repeat.pts == 20);
  CHECK(repeat.fixed_up);
}
