// The metadata register as it sits in a store: every author's chain of notes in notes/, read and checked; the
// one way to add a note; and what the notes say about one session (the current value and the history of each
// field). Used by `bodycam note`, the console catalogue and the audit.
// Invariants:
//  N1. append_note stores the entry create-only at notes/<author>.<seq>, seq and prev_hash continuing that
//      author's chain as stored; a concurrent writer that took the seq is a conflict and nothing is written.
//  N2. append_note first puts the author's public key at keys/<author>.pub; a different key already there is a
//      conflict and nothing is written. A category outside `categories` is refused before anything is written.
//  N3. read_metadata_register checks every entry as read_register does for the clerks' registers (decodes, is
//      stored under its own name, signed by the key enrolled for its author, seq and prev_hash continue the
//      chain); each problem is a finding naming the entry. Entries with a finding never feed session_notes.
//  N4. session_notes orders a session's notes by (utc, author, seq); a field's current value is the last one
//      in that order. The originals are never changed: the history is every entry that set the field.
#pragma once

#include "common/store/store.hpp"
#include "tools/registers/metadata_entry.hpp"
#include "tools/registers/register_book.hpp"

#include <map>
#include <string>
#include <vector>

namespace bodycam::tools::registers {

// The categories a deployment starts with; a deployment may configure its own list.
[[nodiscard]] std::vector<std::string> default_note_categories();

struct author_chain {
  std::string author;
  std::vector<signed_metadata_entry> entries;  // in seq order, the ones that decoded
  std::vector<bool> flagged;                   // per entry: it has a finding (N3)
};

struct metadata_book {
  std::vector<author_chain> authors;
  std::vector<register_finding> findings;  // codes as register_book's

  [[nodiscard]] bool is_intact() const noexcept { return findings.empty(); }
  [[nodiscard]] std::size_t entry_count() const noexcept;
  // N3: the entries that decoded and have no finding, in (utc, author, seq) order.
  [[nodiscard]] std::vector<const signed_metadata_entry*> sound_entries() const;
};

struct field_change {
  note_field field = note_field::text;
  std::string value;
  std::string author;
  std::uint64_t seq = 0;
  record::utc_time utc{};
};

struct session_notes {
  record::device_id device;
  record::session_id session;
  std::map<note_field, std::string> current;  // N4
  std::vector<field_change> history;          // every value ever set, in N4 order
};

[[nodiscard]] core::expected<metadata_book> read_metadata_register(const common::store::store& s);
[[nodiscard]] core::expected<signed_metadata_entry> append_note(common::store::store& s, const std::string& author,
                                                               metadata_entry draft, crypto::signer& signer,
                                                               const std::vector<std::string>& categories);
// N4 over sound entries.
[[nodiscard]] session_notes notes_of_session(const metadata_book& book, const record::device_id& device,
                                             const record::session_id& session);
// Every noted session, each folded as notes_of_session does; ordered by (device, session).
[[nodiscard]] std::vector<session_notes> all_session_notes(const metadata_book& book);

}  // namespace bodycam::tools::registers
