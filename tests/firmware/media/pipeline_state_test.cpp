// The pipeline's transition table: total, and the rows README.md documents.
#include "firmware/media/pipeline_state.hpp"

#include <catch2/catch.hpp>

using namespace bodycam::firmware::media;
using s = pipeline_state;
using i = pipeline_input;
using a = pipeline_action;

TEST_CASE("pipeline table: every state and input has an entry; terminal states stay terminal") {
  for (auto state : {s::buffering, s::recording, s::finished, s::failed})
    for (auto input : {i::start, i::stop, i::rollover, i::source_ended, i::fault}) {
      const auto t = next_transition(state, input);
      CHECK(to_string(t.next) != "unknown");
      CHECK(to_string(t.action) != "unknown");
      if (state == s::finished || state == s::failed) CHECK(t.next == state);
      // Only leaving `recording` seals (invariant 2).
      if (t.action == a::seal_segment || t.action == a::seal_and_open) CHECK(state == s::recording);
    }
}

TEST_CASE("pipeline table: a session starts from buffering and stops back into it") {
  CHECK(next_transition(s::buffering, i::start).next == s::recording);
  CHECK(next_transition(s::buffering, i::start).action == a::open_segment);
  CHECK(next_transition(s::recording, i::stop).next == s::buffering);
  CHECK(next_transition(s::recording, i::stop).action == a::seal_segment);
  CHECK(next_transition(s::recording, i::rollover).action == a::seal_and_open);
  CHECK(next_transition(s::recording, i::start).action == a::reject);
  CHECK(next_transition(s::buffering, i::stop).action == a::reject);
  CHECK(next_transition(s::recording, i::fault).next == s::failed);
  CHECK(next_transition(s::recording, i::fault).action == a::seal_segment);
  CHECK(next_transition(s::recording, i::source_ended).next == s::finished);
  CHECK(next_transition(s::failed, i::start).action == a::reject);
}
