// The recording pipeline's behaviour as one transition table (state × event → state + action), kept by the
// writer thread. Pure data, mirrored in README.md:
//
//   state \ event | start              | stop                | rollover            | source_ended     | fault
//   --------------+--------------------+---------------------+---------------------+------------------+-----------------
//   buffering     | recording /open    | buffering /reject   | buffering /none     | finished /none   | failed /none
//   recording     | recording /reject  | buffering /seal     | recording /seal+open| finished /seal   | failed /seal
//   finished      | finished /reject   | finished /reject    | finished /none      | finished /none   | finished /none
//   failed        | failed /reject     | failed /reject      | failed /none        | failed /none     | failed /none
//
// Invariants:
//  1. Every (state, event) pair has exactly one entry; the table is total.
//  2. Only `recording` holds an open segment; every transition out of it seals that segment.
//  3. finished and failed are terminal: a new pipeline must be opened.
#pragma once

#include <cstdint>
#include <string_view>

namespace bodycam::firmware::media {

enum class pipeline_state : std::uint8_t { buffering, recording, finished, failed };
enum class pipeline_input : std::uint8_t { start, stop, rollover, source_ended, fault };
enum class pipeline_action : std::uint8_t { none, open_segment, seal_segment, seal_and_open, reject };

struct pipeline_transition {
  pipeline_state next;
  pipeline_action action;
};

[[nodiscard]] pipeline_transition next_transition(pipeline_state state, pipeline_input input) noexcept;

[[nodiscard]] std::string_view to_string(pipeline_state state) noexcept;
[[nodiscard]] std::string_view to_string(pipeline_input input) noexcept;
[[nodiscard]] std::string_view to_string(pipeline_action action) noexcept;

}  // namespace bodycam::firmware::media
