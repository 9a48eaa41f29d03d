// The pre-event ring with string payloads: GOP alignment, the duration and byte bounds, audio handling, and
// that what comes out is exactly what went in.
#include "firmware/media/pre_event_ring.hpp"

#include <string>

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;
using namespace std::chrono_literals;

namespace {
constexpr timebase base{1, 15};
packet_meta video(std::int64_t frame, bool key, std::size_t bytes = 100) {
  return packet_meta{track_kind::video, key, frame, frame, 1, base, bytes};
}
packet_meta audio(std::int64_t frame) {
  return packet_meta{track_kind::audio, false, frame * 3200, frame * 3200, 1024, {1, 48000}, 10};
}
// Pushes `seconds` of 1 s GOPs (15 frames) starting at frame `from`; returns the next frame number.
std::int64_t push_gops(pre_event_ring<std::string>& ring, std::int64_t from, std::int64_t seconds) {
  for (std::int64_t f = from; f < from + seconds * 15; ++f)
    ring.push(video(f, (f - from) % 15 == 0), "v" + std::to_string(f));
  return from + seconds * 15;
}
}  // namespace

TEST_CASE("pre-event ring: starts only at a keyframe") {
  pre_event_ring<std::string> ring(pre_event_limits{3s, false, 1u << 20});
  CHECK_FALSE(ring.push(video(0, false), "p0"));
  CHECK_FALSE(ring.push(video(1, false), "p1"));
  CHECK(ring.refused() == 2);
  CHECK(ring.size() == 0);
  CHECK(ring.push(video(2, true), "i2"));
  CHECK(ring.push(video(3, false), "p3"));
  const auto out = ring.take_all();
  REQUIRE(out.size() == 2);
  CHECK(out[0].payload == "i2");
  CHECK(out[0].meta.is_keyframe);
}

TEST_CASE("pre-event ring: covers at least the duration and less than duration plus one GOP") {
  pre_event_ring<std::string> ring(pre_event_limits{3s, false, 1u << 30});
  std::int64_t next = 0;
  for (int second = 1; second <= 10; ++second) {
    next = push_gops(ring, next, 1);
    INFO("after " << second << " s");
    CHECK(ring.covered() >= std::min<std::chrono::microseconds>(3s, std::chrono::seconds(second)));
    CHECK(ring.covered() < 4s);
    REQUIRE(ring.oldest_start());
    CHECK(ring.oldest_start()->ticks % 15 == 0);  // a GOP start
  }
  // Mid-GOP too: push half a GOP more.
  for (std::int64_t f = next; f < next + 7; ++f) ring.push(video(f, f == next), "x");
  CHECK(ring.covered() >= 3s);
  CHECK(ring.covered() < 4s);
  CHECK(ring.dropped() > 0);
}

TEST_CASE("pre-event ring: take_all returns the packets unchanged, in order, from a keyframe") {
  pre_event_ring<std::string> ring(pre_event_limits{2s, false, 1u << 30});
  push_gops(ring, 30, 5);
  const auto out = ring.take_all();
  REQUIRE_FALSE(out.empty());
  CHECK(out.front().meta.is_keyframe);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int64_t frame = out.front().meta.pts + static_cast<std::int64_t>(i);
    CHECK(out[i].meta.pts == frame);  // contiguous, not rebased
    CHECK(out[i].meta.dts == frame);
    CHECK(out[i].meta.base == base);
    CHECK(out[i].payload == "v" + std::to_string(frame));
  }
  CHECK(out.front().meta.pts == 75);  // the last 2 s: the GOPs at frames 75 and 90
  CHECK(ring.size() == 0);
  CHECK(ring.covered() == 0s);
}

TEST_CASE("pre-event ring: duration 0 keeps the current GOP only") {
  pre_event_ring<std::string> ring(pre_event_limits{0s, false, 1u << 30});
  push_gops(ring, 0, 3);
  CHECK(ring.gop_count() == 1);
  CHECK(ring.oldest_start()->ticks == 30);
  ring.push(video(45, true), "i45");
  CHECK(ring.gop_count() == 1);
  CHECK(ring.size() == 1);
}

TEST_CASE("pre-event ring: the byte bound drops old GOPs but never the newest") {
  pre_event_ring<std::string> ring(pre_event_limits{60s, false, 3000});
  for (std::int64_t f = 0; f < 60; ++f) ring.push(video(f, f % 15 == 0, 100), "v");
  CHECK(ring.bytes() <= 3000);
  CHECK(ring.gop_count() == 2);
  // One huge GOP is kept whole.
  ring.push(video(60, true, 10'000), "big");
  CHECK(ring.gop_count() == 1);
  CHECK(ring.bytes() == 10'000);
}

TEST_CASE("pre-event ring: audio is kept only when configured, and leaves with its GOP") {
  pre_event_ring<std::string> video_only(pre_event_limits{1s, false, 1u << 30});
  video_only.push(video(0, true), "i");
  CHECK_FALSE(video_only.push(audio(0), "a"));

  pre_event_ring<std::string> with_audio(pre_event_limits{1s, true, 1u << 30});
  CHECK_FALSE(with_audio.push(audio(0), "a-before-keyframe"));
  for (std::int64_t f = 0; f < 45; ++f) {
    with_audio.push(video(f, f % 15 == 0), "v");
    CHECK(with_audio.push(audio(f), "a" + std::to_string(f)));
  }
  const auto out = with_audio.take_all();
  REQUIRE_FALSE(out.empty());
  CHECK(out.front().meta.is_keyframe);
  CHECK(out.front().meta.pts == 30);  // the newest GOP covers the 1 s; older GOPs left with their audio
  std::size_t audio_count = 0;
  for (const auto& e : out)
    if (e.meta.track == track_kind::audio) {
      CHECK(e.meta.pts >= std::int64_t{30} * 3200);
      ++audio_count;
    }
  CHECK(audio_count == 15);
}
