// The search and notes routes of the request handler (H10, H11 in console_handler.hpp): the search page over
// the catalogue, a note added to a session, and the notes section of a session page.
#include "console/access/route_policy.hpp"
#include "console/web/catalogue_cache.hpp"
#include "console/web/console_handler.hpp"
#include "console/web/note_form.hpp"
#include "console/web/search_pages.hpp"
#include "console/web/store_analysis.hpp"
#include "tools/catalogue/note_authority.hpp"
#include "tools/enrollment/enrollment_store.hpp"
#include "tools/registers/metadata_book.hpp"

#include <map>
#include <set>

namespace bodycam::console::web {

namespace core = common::core;
namespace record = common::record;
namespace audit = tools::audit;
namespace registers = tools::registers;
namespace catalogue = tools::catalogue;

namespace {

web_response refused_field(const std::string& title, const form_refusal& refusal) {
  return error_response(400, title, "Field '" + refusal.field + "': " + refusal.why + ".");
}

}  // namespace

std::vector<std::string> console_handler::note_categories() const {
  return ctx_.note_categories.empty() ? registers::default_note_categories() : ctx_.note_categories;
}

web_response console_handler::search(const web_request& request, const signed_in& who) {
  using access::ownership;
  using access::route;
  if (!access::is_allowed(route::search, who.roles, ownership::none))
    return error_response(403, "Not allowed", "Your roles do not allow the search.");
  if (ctx_.catalogue == nullptr) return error_response(503, "Search unavailable", "This console has no catalogue.");
  const auto form = parse_form(request.query());
  if (!form) return error_response(400, "Bad search", "The address holds a malformed %-escape.");
  auto read = read_search_form(*form);
  if (!read) return refused_field("Bad search", read.error());
  const auto now = ctx_.clock();
  search_results results;
  results.page = read->page;
  results.own_only = !access::is_allowed(route::session_page, who.roles, ownership::other);
  // An officer's own sessions are those they wore the camera for or joined: the catalogue's roster (search_query
  // Q4), the same rule as the session list's (session_ownership) and /api/v1/sessions.
  if (results.own_only) read->query.own_officer = who.person;
  auto found = ctx_.catalogue->search(*ctx_.store, read->query, now);
  if (!found) return error_response(503, "Search unavailable", found.error().context);
  results.rows = std::move(found->rows);
  results.total = found->total;
  results.refreshed = ctx_.catalogue->last_refresh();
  return html_response(200, render_search_page({who.person, who.roles, who.csrf}, read->typed, results));
}

web_response console_handler::note_add(const web_request& request, const signed_in& who) {
  // H7: /sessions/<device>/<session>/notes
  const auto now = ctx_.clock();
  auto posted = session_of_post(request, "notes", now);
  if (!posted) return posted.error();
  const auto* session = posted->session;
  const auto* device = &posted->device;
  const auto* session_id = &posted->id;
  if (!access::is_allowed(access::route::note_add, who.roles, session_ownership(*session, who.person)))  // H4
    return error_response(403, "Not allowed", "Your roles do not allow notes on this session.");

  const auto form = parse_form(request.body);
  if (!form) return error_response(400, "Note refused", "The form is malformed.");
  const auto categories = note_categories();
  auto fields = read_note_form(*form, categories);
  if (!fields) return refused_field("Note refused", fields.error());
  // The register's own rule (metadata-register.md §3 invariant 7), under the root this console trusts, so no
  // note is written that the audit and the catalogue would leave out.
  auto reg = tools::enrollment::load_register(*ctx_.store, ctx_.root);
  if (!reg) return error_response(503, "Enrollment register unavailable", reg.error().context);
  const auto roster = session->officers();
  const auto may = reg->table.may_note(who.signer->public_key(), device->str(), session_id->to_hex(), &roster, now);
  if (!may.allowed) return error_response(403, "Not allowed", may.reason);
  if (may.subject != who.person)
    return error_response(403, "Not allowed", "your key is enrolled for " + may.subject + ", not " + who.person);

  registers::metadata_entry draft;
  draft.utc = now;
  draft.device = *device;
  draft.session = *session_id;
  draft.fields = std::move(*fields);
  auto stored = registers::append_note(*ctx_.store, who.person, std::move(draft), *who.signer, categories);
  if (!stored)
    return error_response(503, "Metadata register unavailable",
                          "The note could not be written, so nothing changed: " + stored.error().context);
  if (ctx_.catalogue != nullptr) ctx_.catalogue->mark_stale();
  return see_other("/sessions/" + device->str() + "/" + session_id->to_hex());
}

std::string console_handler::notes_section(const record::device_id& device, const audit::session_audit& audited,
                                           access::ownership owner, const signed_in& who) {
  const record::session_id& session = audited.session;
  const auto roster = audited.officers();
  // A4: only this session's roster is known here; the page shows this session's notes only.
  const auto roster_of = [&](const record::device_id& d, const record::session_id& id)
      -> std::optional<std::vector<std::string>> {
    if (d == device && id == session) return roster;
    return std::nullopt;
  };
  notes_view view;
  view.may_add = access::is_allowed(access::route::note_add, who.roles, owner);
  view.categories = note_categories();
  const page_user user{who.person, who.roles, who.csrf};
  auto book = registers::read_metadata_register(*ctx_.store);
  if (!book) {
    view.left_out.push_back("the metadata register could not be read: " + book.error().context);
    return render_notes_section(user, device.str(), session.to_hex(), view);
  }
  if (auto reg = tools::enrollment::load_register(*ctx_.store, ctx_.root); reg) {
    (void)catalogue::flag_unauthorized_notes(*book, reg->table, roster_of);
    // The form only for those whose note note_add would write (H11: the route table and the register's rule).
    const auto may = reg->table.may_note(who.signer->public_key(), device.str(), session.to_hex(), &roster,
                                         ctx_.clock());
    view.may_add = view.may_add && may.allowed && may.subject == who.person;
  } else {
    view.may_add = false;
    view.left_out.push_back("the enrollment register could not be read, notes shown unchecked: " + reg.error().context);
  }
  const auto notes = registers::notes_of_session(*book, device, session);
  for (const auto& [field, value] : notes.current) view.current.emplace_back(registers::to_string(field), value);
  std::map<registers::note_field, std::string> last;
  for (const auto& h : notes.history) {
    auto& before = last[h.field];
    view.history.push_back({std::string(registers::to_string(h.field)), before, h.value, h.author,
                            "notes/" + h.author + "." + std::to_string(h.seq), h.utc});
    before = h.value;
  }
  std::set<std::string> here;  // this session's notes with a finding
  for (const auto& chain : book->authors)
    for (std::size_t i = 0; i < chain.entries.size(); ++i)
      if (chain.flagged[i] && chain.entries[i].body.device == device && chain.entries[i].body.session == session)
        here.insert("notes/" + registers::entry_name(chain.entries[i].body));
  for (const auto& f : book->findings)
    if (here.contains(f.entry)) view.left_out.push_back(f.entry + ": " + f.code + ": " + f.detail);
  return render_notes_section(user, device.str(), session.to_hex(), view);
}

}  // namespace bodycam::console::web
