// Flagging notes whose author the enrollment register did not let write them (note_authority.hpp U1).
#include "tools/catalogue/note_authority.hpp"

namespace bodycam::tools::catalogue {

std::size_t flag_unauthorized_notes(registers::metadata_book& book, const enrollment::authorization_table& table,
                                    const session_roster& roster_of) {
  std::size_t flagged = 0;
  for (auto& chain : book.authors)
    for (std::size_t i = 0; i < chain.entries.size(); ++i) {
      const auto& e = chain.entries[i].body;
      if (chain.flagged[i]) continue;
      const auto roster = roster_of(e.device, e.session);
      const auto may = table.may_note(e.author_key, e.device.str(), e.session.to_hex(), roster ? &*roster : nullptr,
                                      e.utc);
      if (may.allowed && may.subject == e.author) continue;
      chain.flagged[i] = true;
      ++flagged;
      book.findings.push_back({"notes/" + registers::entry_name(e), "unauthorized_author",
                               may.allowed ? "the key is enrolled for " + may.subject : may.reason});
    }
  return flagged;
}

}  // namespace bodycam::tools::catalogue
