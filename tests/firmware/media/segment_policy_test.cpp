// The segment policy on hand-written packet streams: "I" a video keyframe, "P" any other video frame, "a" an
// audio packet. One character per video frame at 15 fps (audio shares the frame's time).
#include "firmware/media/segment_policy.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;
using namespace std::chrono_literals;

namespace {
constexpr timebase video_base{1, 15};

std::vector<packet_meta> stream_of(const std::string& pattern, std::int64_t first_frame = 15) {
  std::vector<packet_meta> out;
  std::int64_t frame = first_frame;
  for (const char c : pattern) {
    if (c == 'a') {
      // 1024 samples at 48 kHz, starting at the current frame's time.
      out.push_back(packet_meta{track_kind::audio, false, frame * 3200, frame * 3200, 1024, {1, 48000}, 100});
      continue;
    }
    out.push_back(packet_meta{track_kind::video, c == 'I', frame, frame, 1, video_base, 1000});
    ++frame;
  }
  return out;
}

std::string actions(segment_policy& policy, const std::vector<packet_meta>& packets) {
  std::string out;
  for (const auto& p : packets) {
    const auto d = policy.on_packet(p);
    out += d.action == segment_action::discard ? 'd' : d.action == segment_action::cut_then_write ? 'C' : '.';
  }
  return out;
}

std::string gops(int count, int length) {
  std::string s;
  for (int g = 0; g < count; ++g) s += "I" + std::string(static_cast<std::size_t>(length - 1), 'P');
  return s;
}
}  // namespace

TEST_CASE("segment policy: nothing is written before the first keyframe of a session") {
  segment_policy policy(2s);
  CHECK(actions(policy, stream_of("PPaPIPPa")) == "dddd....");
  REQUIRE(policy.segment_start());
  CHECK(*policy.segment_start() == media_time{18, video_base});  // audio takes no frame slot
}

TEST_CASE("segment policy: with a 1 s GOP and 2 s target every segment holds exactly two GOPs") {
  segment_policy policy(2s);
  const auto packets = stream_of(gops(7, 15));
  const auto result = actions(policy, packets);
  std::vector<std::size_t> cuts;
  for (std::size_t i = 0; i < result.size(); ++i)
    if (result[i] == 'C') cuts.push_back(i);
  CHECK(cuts == std::vector<std::size_t>{30, 60, 90});
  CHECK(result.find('d') == std::string::npos);  // nothing dropped at a cut
}

TEST_CASE("segment policy: an early keyframe does not cut, the first one past the target does") {
  segment_policy policy(2s);
  // Keyframes at frames 0, 25 (1.67 s) and 40 (2.67 s).
  const std::string pattern = "I" + std::string(24, 'P') + "I" + std::string(14, 'P') + "I" + std::string(5, 'P');
  const auto packets = stream_of(pattern);
  std::string result;
  std::vector<std::size_t> requests;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const auto d = policy.on_packet(packets[i]);
    result += d.action == segment_action::cut_then_write ? 'C' : '.';
    if (d.request_keyframe) requests.push_back(i);
  }
  CHECK(result.find('C') == 40);
  CHECK(result.rfind('C') == 40);
  CHECK(requests == std::vector<std::size_t>{30});  // once, at the first frame past the target
}

TEST_CASE("segment policy: audio never cuts and is never dropped after the first keyframe") {
  segment_policy policy(1s);
  std::string pattern;
  for (int g = 0; g < 3; ++g) pattern += "aIa" + std::string(14, 'P') + "a";
  const auto result = actions(policy, stream_of(pattern));
  CHECK(result[0] == 'd');  // audio before the very first keyframe
  for (std::size_t i = 1; i < result.size(); ++i) {
    if (result[i] == 'C') {
      INFO("cut at packet " << i);
      CHECK(pattern[i] == 'I');
    }
    CHECK(result[i] != 'd');
  }
  CHECK(std::count(result.begin(), result.end(), 'C') == 2);
}

TEST_CASE("segment policy: compares times exactly across time bases") {
  segment_policy policy(2s);
  // Video in the MP4 base 1/15360: keyframe exactly 2 s after the first one must cut, one tick earlier not.
  const timebase mp4{1, 15360};
  CHECK(policy.on_packet(packet_meta{track_kind::video, true, 15360, 15360, 1024, mp4, 1}).action ==
        segment_action::write);
  CHECK(policy.on_packet(packet_meta{track_kind::video, true, 46079, 46079, 1024, mp4, 1}).action ==
        segment_action::write);
  CHECK(policy.on_packet(packet_meta{track_kind::video, true, 46080, 46080, 1024, mp4, 1}).action ==
        segment_action::cut_then_write);
}

TEST_CASE("segment policy: reset starts a new session at its first keyframe") {
  segment_policy policy(2s);
  CHECK(actions(policy, stream_of("IPP")) == "...");
  policy.reset();
  CHECK_FALSE(policy.segment_start());
  CHECK(actions(policy, stream_of("PPIP", 100)) == "dd..");
}
