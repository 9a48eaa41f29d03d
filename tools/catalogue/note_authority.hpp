// Which notes of the metadata register count, under the agency root a reader trusts
// (docs/formats/metadata-register.md §3 invariant 7): one function, used by the catalogue's refresh and by the
// console's session page, so a note left out of search is left out of the page too.
// Guarantees:
//  U1. A note whose key the enrollment register does not let sign a note on that session at the note's utc
//      (authorization_table::may_note A4: a clerk, or an officer the session's roster names), or whose key is
//      enrolled for someone other than its author, is
//      flagged with a finding `unauthorized_author` naming notes/<author>.<seq>; flagged notes never feed a
//      session's values (metadata_book N3). Notes already flagged are left as they are.
#pragma once

#include "tools/enrollment/authorization_table.hpp"
#include "tools/registers/metadata_book.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::catalogue {

// The officers of a session as its records show (the wearer, then each officer who joined), or nullopt when the
// reader does not know the session (its records are not in the store, or not read by this reader).
using session_roster = std::function<std::optional<std::vector<std::string>>(const common::record::device_id&,
                                                                             const common::record::session_id&)>;

// U1. Returns how many notes it flagged.
std::size_t flag_unauthorized_notes(registers::metadata_book& book, const enrollment::authorization_table& table,
                                    const session_roster& roster_of);

}  // namespace bodycam::tools::catalogue
