// The life of a segment or annotation file on the camera, as data. Pure: no SQLite, no I/O.
//
//   partial ──seal──► sealed ──receipt──► stored ──reclaim──► reclaimed
//
// partial:   being written; the firmware adds a fragment row after each fdatasync.
// sealed:    closed and renamed; its length, SHA-256 and the record that seals it are fixed from now on.
// stored:    a store receipt (a `receipt` record) covers it; it may now be reclaimed when space is needed.
// reclaimed: freed on the camera, citing the `reclaim` record; the row stays as history.
// Invariant 5 (see ledger.hpp): a file moves only along the arrows of `file_state_transitions`; anything
// else is errc::conflict. Migration 1 repeats the table as a trigger, so a write that bypasses this code
// is refused by the database too; a unit test checks that both agree.
#pragma once

#include "common/core/error.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace bodycam::common::ledger {

enum class file_state : std::uint8_t { partial, sealed, stored, reclaimed };
enum class file_kind : std::uint8_t { segment, annotation, photo };

struct file_state_transition {
  file_state from;
  file_state to;
  std::string_view justified_by;  // the record the move cites (stored in the files row)
};

inline constexpr std::array<file_state_transition, 3> file_state_transitions{{
    {file_state::partial, file_state::sealed, "the segment or annotation record that seals the file"},
    {file_state::sealed, file_state::stored, "the receipt record that covers the file"},
    {file_state::stored, file_state::reclaimed, "the reclaim record that frees the file"},
}};

inline constexpr std::array<file_state, 4> all_file_states{file_state::partial, file_state::sealed, file_state::stored,
                                                           file_state::reclaimed};

[[nodiscard]] bool is_allowed_transition(file_state from, file_state to) noexcept;

// The words stored in the database ('partial', 'segment', …); parse refuses anything else (malformed).
[[nodiscard]] std::string_view to_string(file_state state) noexcept;
[[nodiscard]] std::string_view to_string(file_kind kind) noexcept;
[[nodiscard]] core::expected<file_state> parse_file_state(std::string_view text);
[[nodiscard]] core::expected<file_kind> parse_file_kind(std::string_view text);

}  // namespace bodycam::common::ledger
