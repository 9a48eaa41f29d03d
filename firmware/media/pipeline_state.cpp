#include "firmware/media/pipeline_state.hpp"

#include <array>

namespace bodycam::firmware::media {

namespace {
using s = pipeline_state;
using a = pipeline_action;
constexpr std::size_t state_count = 4;
constexpr std::size_t input_count = 5;

// Rows: state; columns: start, stop, rollover, source_ended, fault (invariant 1: total by construction).
constexpr std::array<std::array<pipeline_transition, input_count>, state_count> table{{
    {{{s::recording, a::open_segment},
      {s::buffering, a::reject},
      {s::buffering, a::none},
      {s::finished, a::none},
      {s::failed, a::none}}},
    {{{s::recording, a::reject},
      {s::buffering, a::seal_segment},
      {s::recording, a::seal_and_open},
      {s::finished, a::seal_segment},
      {s::failed, a::seal_segment}}},
    {{{s::finished, a::reject},
      {s::finished, a::reject},
      {s::finished, a::none},
      {s::finished, a::none},
      {s::finished, a::none}}},
    {{{s::failed, a::reject},
      {s::failed, a::reject},
      {s::failed, a::none},
      {s::failed, a::none},
      {s::failed, a::none}}},
}};
}  // namespace

pipeline_transition next_transition(pipeline_state state, pipeline_input input) noexcept {
  return table[static_cast<std::size_t>(state)][static_cast<std::size_t>(input)];
}

std::string_view to_string(pipeline_state state) noexcept {
  switch (state) {
    case s::buffering: return "buffering";
    case s::recording: return "recording";
    case s::finished: return "finished";
    case s::failed: return "failed";
  }
  return "unknown";
}

std::string_view to_string(pipeline_input input) noexcept {
  switch (input) {
    case pipeline_input::start: return "start";
    case pipeline_input::stop: return "stop";
    case pipeline_input::rollover: return "rollover";
    case pipeline_input::source_ended: return "source_ended";
    case pipeline_input::fault: return "fault";
  }
  return "unknown";
}

std::string_view to_string(pipeline_action action) noexcept {
  switch (action) {
    case a::none: return "none";
    case a::open_segment: return "open_segment";
    case a::seal_segment: return "seal_segment";
    case a::seal_and_open: return "seal_and_open";
    case a::reject: return "reject";
  }
  return "unknown";
}

}  // namespace bodycam::firmware::media
