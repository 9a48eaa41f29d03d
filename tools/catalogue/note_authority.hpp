// Which notes of the metadata register count, under the agency root a reader trusts
// (docs/formats/metadata-register.md §3 invariant 7): one function, used by the catalogue's refresh and by the
// console's session page, so a note left out of search is left out of the page too.
// Guarantees:
//  U1. A note whose key the enrollment register does not let sign a note on that camera's session at the note's
//      utc (authorization_table::may_note), or whose key is enrolled for someone other than its author, is
//      flagged with a finding `unauthorized_author` naming notes/<author>.<seq>; flagged notes never feed a
//      session's values (metadata_book N3). Notes already flagged are left as they are.
#pragma once

#include "tools/enrollment/authorization_table.hpp"
#include "tools/registers/metadata_book.hpp"

namespace bodycam::tools::catalogue {

// U1. Returns how many notes it flagged.
std::size_t flag_unauthorized_notes(registers::metadata_book& book, const enrollment::authorization_table& table);

}  // namespace bodycam::tools::catalogue
