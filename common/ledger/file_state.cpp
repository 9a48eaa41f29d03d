// The file state table's lookups and names; see file_state.hpp.
#include "common/ledger/file_state.hpp"

#include <algorithm>
#include <string>

namespace bodycam::common::ledger {

bool is_allowed_transition(file_state from, file_state to) noexcept {
  return std::any_of(file_state_transitions.begin(), file_state_transitions.end(),
                     [&](const file_state_transition& t) { return t.from == from && t.to == to; });
}

std::string_view to_string(file_state state) noexcept {
  switch (state) {
    case file_state::partial: return "partial";
    case file_state::sealed: return "sealed";
    case file_state::stored: return "stored";
    case file_state::reclaimed: return "reclaimed";
  }
  return "unknown";
}

std::string_view to_string(file_kind kind) noexcept {
  switch (kind) {
    case file_kind::segment: return "segment";
    case file_kind::annotation: return "annotation";
    case file_kind::photo: return "photo";
  }
  return "unknown";
}

core::expected<file_state> parse_file_state(std::string_view text) {
  for (file_state s : all_file_states)
    if (to_string(s) == text) return s;
  return core::fail(core::errc::malformed,
                    "file state '" + std::string(text) + "' is not one of partial, sealed, stored, reclaimed");
}

core::expected<file_kind> parse_file_kind(std::string_view text) {
  for (file_kind k : {file_kind::segment, file_kind::annotation, file_kind::photo})
    if (to_string(k) == text) return k;
  return core::fail(core::errc::malformed,
                    "file kind '" + std::string(text) + "' is not segment, annotation or photo");
}

}  // namespace bodycam::common::ledger
