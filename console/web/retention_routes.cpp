// The retention routes of the request handler (H15 in console_handler.hpp): a hold placed from a session page and
// the session page's holds, a release request, the expiry page's dry run and request, a supervisor's decision on
// another person's retention request, and the requester carrying out an approved release or expiry. Every entry
// is written by tools/retention/retention_actions.hpp, the code `bodycam retention` runs.
#include "console/access/route_policy.hpp"
#include "console/web/console_handler.hpp"
#include "console/web/retention_pages.hpp"
#include "console/web/store_analysis.hpp"
#include "tools/audit/approval_state.hpp"
#include "tools/registers/hold_release.hpp"
#include "tools/retention/retention_actions.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace bodycam::console::web {

namespace core = common::core;
namespace record = common::record;
namespace audit = tools::audit;
namespace registers = tools::registers;
namespace retention = tools::retention;

namespace {

web_response not_allowed(const std::string& why = "Your roles do not allow this page.") {
  return error_response(403, "Not allowed", why);
}

std::string form_field(const web_request& request, const char* name) {
  const auto form = parse_form(request.body);
  if (!form) return {};
  const auto it = form->find(name);
  return it == form->end() ? std::string() : it->second;
}

retention::signing_clerk signing(const signed_in& who, record::utc_time now) {
  return {who.person, who.unit.empty() ? std::string("console") : who.unit, who.signer.get(), now};
}

// The retention requests of the store, both kinds, read under the trusted root.
struct retention_requests {
  std::unique_ptr<audit::export_approvals> releases;
  std::unique_ptr<audit::export_approvals> expiries;

  struct found {
    const registers::export_request_status* status = nullptr;
    retention::request_kind kind = retention::request_kind::release;
  };
  [[nodiscard]] found find(std::string_view name) const {
    if (const auto* s = releases->approvals.find(name)) return {s, retention::request_kind::release};
    if (const auto* s = expiries->approvals.find(name)) return {s, retention::request_kind::expiry};
    return {};
  }
};

core::expected<retention_requests> read_retention_requests(const common::store::store& s,
                                                           const common::crypto::public_key& root) {
  auto releases = audit::read_release_approvals(s, root);
  if (!releases) return std::unexpected(releases.error());
  auto expiries = audit::read_expiry_approvals(s, root);
  if (!expiries) return std::unexpected(expiries.error());
  return retention_requests{std::move(*releases), std::move(*expiries)};
}

std::string describe_request(const registers::export_request_status& r, retention::request_kind kind) {
  const auto& e = r.request->body;
  if (kind == retention::request_kind::release) {
    std::string what = "release of hold retention/" + registers::hold_of_release_request(e.action).value_or("?");
    if (!e.scopes.empty()) {
      const auto& sc = e.scopes.front();
      what += " on " + sc.device.str() +
              (sc.session.is_none() ? " " + format_time(sc.from) + " .. " + format_time(sc.to)
                                    : " session " + sc.session.to_hex().substr(0, 8));
    }
    return what;
  }
  std::uint64_t bytes = 0;
  for (const auto& o : e.objects) bytes += o.byte_length;
  return std::to_string(e.scopes.size()) + " session(s), " + std::to_string(e.objects.size()) + " file(s), " +
         std::to_string(bytes) + " bytes";
}

retention_request_row row_of(const registers::export_request_status& r, retention::request_kind kind,
                             const std::string& person, record::utc_time now) {
  retention_request_row row;
  row.name = registers::entry_name(r.request->body);
  row.kind = kind == retention::request_kind::release ? "hold release" : "expiry";
  row.requester = r.request->body.clerk;
  row.reference = r.request->body.reference;
  row.what = describe_request(r, kind);
  row.requested = r.request->body.utc;
  row.state = r.exports.empty() ? std::string(registers::to_string(r.state)) : std::string("carried out");
  if (r.decision != nullptr) row.decided_by = r.decision->body.clerk;
  row.executable = r.exports.empty() && !registers::why_not_export(r, person, now).has_value();
  return row;
}

// The sessions of `files`, with their file counts and bytes.
std::vector<expiry_session_row> sessions_of(const std::vector<const retention::decision*>& files) {
  std::map<std::pair<std::string, std::string>, expiry_session_row> by_session;
  for (const auto* d : files) {
    auto& row = by_session[{d->item.device.str(), d->item.session.to_hex()}];
    row.device = d->item.device.str();
    row.session = d->item.session.to_hex();
    row.last_file = std::max(row.last_file, d->item.recorded_utc);
    ++row.files;
    row.bytes += d->item.byte_length;
  }
  std::vector<expiry_session_row> rows;
  for (auto& [key, row] : by_session) rows.push_back(std::move(row));
  return rows;
}

expiry_view view_of(const std::vector<retention::decision>& plan, int days) {
  expiry_view view;
  view.days = days;
  const auto due = retention::due_files(plan);
  view.due = sessions_of(due);
  for (const auto* d : due) {
    ++view.due_files;
    view.due_bytes += d->item.byte_length;
  }
  std::set<std::pair<std::string, std::string>> held;
  for (const auto& d : plan)
    if (d.result == retention::outcome::keep_held) {
      ++view.held_files;
      held.insert({d.item.device.str(), d.item.session.to_hex()});
    } else if (d.result == retention::outcome::keep_young) {
      ++view.young_files;
    }
  view.held_sessions = held.size();
  view.plan_token = std::to_string(view.due_files) + ":" + std::to_string(view.due_bytes);
  return view;
}

bool covers(const retention::hold& h, const record::device_id& device, const audit::session_audit& s) {
  if (h.device != device) return false;
  if (!h.session.is_none()) return h.session == s.session;
  const auto end = s.stop_utc.value_or(s.start_utc);
  return end >= h.from && (h.to == record::utc_time{} || s.start_utc <= h.to);
}

constexpr int policy_days = static_cast<int>(retention::minimum_retention.count());

}  // namespace

std::string console_handler::holds_section(const record::device_id& device, const audit::session_audit& session,
                                           access::ownership owner, const signed_in& who) {
  const page_user user{who.person, who.roles, who.csrf};
  auto book = registers::read_register(*ctx_.store, common::store::entry_namespace::retention);
  if (!book) return "<section class=\"holds\"><h2>Holds</h2><p class=\"problem\">The retention register is unavailable.</p></section>\n";
  std::map<std::string, const registers::signed_entry*> entries;
  std::set<std::string> release_asked;
  for (const auto& c : book->clerks)
    for (const auto& e : c.entries) {
      entries["retention/" + registers::entry_name(e.body)] = &e;
      if (auto h = registers::hold_of_release_request(e.body.action)) release_asked.insert(*h);
    }
  std::vector<hold_row> rows;
  for (const auto& h : retention::holds_in_force(*book)) {
    if (!covers(h, device, session)) continue;
    hold_row row;
    row.name = h.entry.substr(std::string_view("retention/").size());
    if (std::any_of(rows.begin(), rows.end(), [&](const hold_row& r) { return r.name == row.name; })) continue;
    row.reason = h.reason;
    row.scope = h.session.is_none() ? h.device.str() + " " + format_time(h.from) + " .. " +
                                          (h.to == record::utc_time{} ? std::string("indefinitely") : format_time(h.to))
                                    : "session " + h.session.to_hex().substr(0, 8) + " of " + h.device.str();
    if (const auto it = entries.find(h.entry); it != entries.end()) {
      row.placed_by = it->second->body.clerk;
      row.placed = it->second->body.utc;
      row.reference = it->second->body.reference;
    }
    row.release_requested = release_asked.contains(row.name);
    rows.push_back(std::move(row));
  }
  return render_holds_section(user, device.str(), session.session.to_hex(), rows,
                              access::is_allowed(access::route::hold_place, who.roles, owner),
                              access::is_allowed(access::route::release_request, who.roles, access::ownership::none));
}

web_response console_handler::hold_place(const web_request& request, const signed_in& who) {
  // H7: /sessions/<device>/<session>/holds
  const auto now = ctx_.clock();
  auto posted = session_of_post(request, "holds", now);
  if (!posted) return posted.error();
  const auto* session = posted->session;
  const auto* device = &posted->device;
  const auto* session_id = &posted->id;
  if (!access::is_allowed(access::route::hold_place, who.roles, session_ownership(*session, who.person)))  // H4
    return not_allowed("Your roles do not allow holds on this session.");
  retention::hold_wanted wanted;
  wanted.reason = form_field(request, "reason");
  wanted.reference = form_field(request, "reference");
  wanted.device = *device;
  wanted.session = session_id->to_hex();
  if (!registers::is_hold_reason(wanted.reason))
    return error_response(400, "Hold refused", "reason: choose evidence, complaint, major_incident or legal_hold.");
  if (wanted.reference.empty() || wanted.reference.size() > 1024)
    return error_response(400, "Hold refused", "reference: give the case or request number (up to 1024 characters).");
  auto placed = retention::place_hold(*ctx_.store, wanted, signing(who, now));
  if (!placed) {
    const unsigned status = placed.error().code == core::errc::already_exists ? 409 : 503;
    return error_response(status, "Hold refused", placed.error().context + "; no hold placed");
  }
  return see_other("/sessions/" + device->str() + "/" + session_id->to_hex());
}

web_response console_handler::release_request(const web_request& request, const signed_in& who) {
  if (!access::is_allowed(access::route::release_request, who.roles, access::ownership::none)) return not_allowed();
  const std::string hold = form_field(request, "hold");
  const std::string reference = form_field(request, "reference");
  if (!registers::referenced_request(registers::export_reference(hold)))
    return error_response(404, "Not found", "No such hold.");
  if (reference.empty() || reference.size() > 1024)
    return error_response(400, "Release refused", "reference: say why the hold ends (up to 1024 characters).");
  auto requested = retention::request_release(*ctx_.store, hold, reference, signing(who, ctx_.clock()));
  if (!requested) {
    const unsigned status = requested.error().code == core::errc::not_found ? 404 : 503;
    return error_response(status, "Release refused", requested.error().context);
  }
  return see_other("/expiry");
}

web_response console_handler::expiry_page(const signed_in& who) {
  if (!access::is_allowed(access::route::expiry_view, who.roles, access::ownership::none)) return not_allowed();
  const auto now = ctx_.clock();
  auto plan = retention::expiry_plan(*ctx_.store, now, retention::minimum_retention);
  if (!plan) return error_response(503, "Retention register unavailable", plan.error().context);
  auto requests = read_retention_requests(*ctx_.store, ctx_.root);
  if (!requests) return error_response(503, "Register unavailable", requests.error().context);
  std::vector<retention_request_row> mine;
  for (const auto* book : {requests->releases.get(), requests->expiries.get()})
    for (const auto& r : book->approvals.requests)
      if (r.request->body.clerk == who.person)
        mine.push_back(row_of(r,
                              book == requests->releases.get() ? retention::request_kind::release
                                                               : retention::request_kind::expiry,
                              who.person, now));
  const page_user user{who.person, who.roles, who.csrf};
  return html_response(200, render_expiry_page(user, view_of(*plan, policy_days), mine,
                                               access::is_allowed(access::route::expiry_request, who.roles,
                                                                  access::ownership::none)));
}

web_response console_handler::expiry_request(const web_request& request, const signed_in& who) {
  if (!access::is_allowed(access::route::expiry_request, who.roles, access::ownership::none)) return not_allowed();
  const std::string reference = form_field(request, "reference");
  if (reference.empty() || reference.size() > 1024)
    return error_response(400, "Expiry refused", "reference: give the policy or case (up to 1024 characters).");
  const auto now = ctx_.clock();
  auto plan = retention::expiry_plan(*ctx_.store, now, retention::minimum_retention);
  if (!plan) return error_response(503, "Retention register unavailable", plan.error().context);
  const auto due = retention::due_files(*plan);
  if (due.empty()) return error_response(409, "Nothing to expire", "No file is due under the policy; nothing requested.");
  if (form_field(request, "plan") != view_of(*plan, policy_days).plan_token)
    return error_response(409, "The dry run changed",
                          "What would expire changed since the page was shown; look at the expiry page again.");
  auto stored = retention::request_expiry(*ctx_.store, due, reference, signing(who, now));
  if (!stored) return error_response(503, "Expiry refused", stored.error().context);
  return see_other("/expiry");
}

web_response console_handler::retention_request(const web_request& request, const signed_in& who) {
  // H7: /retention/requests/<clerk>.<seq>[/execute]
  std::string_view rest = request.path().substr(std::string_view("/retention/requests/").size());
  const bool execute = rest.ends_with("/execute");
  if (execute) rest.remove_suffix(std::string_view("/execute").size());
  const std::string name(rest);
  if (!registers::referenced_request(registers::export_reference(name)) ||
      name.find('/') != std::string::npos || (execute && request.method != "POST"))
    return error_response(404, "Not found", "No such retention request.");
  const auto now = ctx_.clock();
  auto requests = read_retention_requests(*ctx_.store, ctx_.root);
  if (!requests) return error_response(503, "Register unavailable", requests.error().context);
  const auto found = requests->find(name);
  if (found.status == nullptr) return error_response(404, "Not found", "No such retention request.");
  const auto& req = found.status->request->body;
  const bool own = req.clerk == who.person || req.clerk_key == who.signer->public_key();
  const auto owner = own ? access::ownership::own : access::ownership::other;

  if (execute) {
    if (!access::is_allowed(access::route::retention_execute, who.roles, owner))
      return not_allowed("Only the person who requested it may carry out a retention request.");
    const auto clerk = signing(who, now);
    if (found.kind == retention::request_kind::release) {
      auto released = retention::release_approved(*ctx_.store, ctx_.root, name, clerk);
      if (!released) return error_response(409, "Not released", released.error().message);
      return see_other("/expiry");
    }
    auto plan = retention::expiry_plan(*ctx_.store, now, retention::minimum_retention);
    if (!plan) return error_response(503, "Retention register unavailable", plan.error().context);
    auto done = retention::expire_approved(*ctx_.store, ctx_.root, name, *plan, policy_days, clerk);
    if (!done) return error_response(409, "Not expired", done.error().message);
    return see_other("/expiry");
  }

  if (!access::is_allowed(access::route::retention_decision, who.roles, owner))
    return not_allowed(own ? "This is your own request: it needs another person's approval."
                           : "Only a supervisor may decide retention requests.");
  if (request.method != "POST") {
    std::vector<expiry_session_row> sessions;
    if (found.kind == retention::request_kind::expiry) {
      auto plan = retention::expiry_plan(*ctx_.store, now, retention::minimum_retention);
      if (!plan) return error_response(503, "Retention register unavailable", plan.error().context);
      std::vector<const retention::decision*> named;
      for (const auto& d : *plan)
        if (std::find(req.objects.begin(), req.objects.end(),
                      registers::object_ref{d.item.sha256, d.item.byte_length}) != req.objects.end())
          named.push_back(&d);
      sessions = sessions_of(named);
    }
    const page_user user{who.person, who.roles, who.csrf};
    return html_response(200, render_retention_request_page(user, row_of(*found.status, found.kind, who.person, now),
                                                             sessions));
  }
  const std::string decision = form_field(request, "decision");
  if (decision != "approve" && decision != "refuse")
    return error_response(400, "Decision needed", "Choose approve or refuse.");
  if (auto why = registers::why_not_decide(*found.status, who.person, who.signer->public_key()))
    return error_response(409, "Already decided", *why);
  registers::register_entry e;
  e.kind = req.kind;
  e.utc = now;
  e.department = who.unit.empty() ? std::string("console") : who.unit;
  e.reference = req.reference;
  e.action = registers::decision_action({name, decision == "approve"});
  e.scopes = req.scopes;
  auto stored = registers::append_entry(*ctx_.store, common::store::entry_namespace::retention, who.person,
                                        std::move(e), *who.signer);
  if (!stored) return error_response(503, "Retention register unavailable", stored.error().context);
  return see_other("/approvals");
}

core::expected<std::string> console_handler::retention_approvals_html(const signed_in& who) {
  auto requests = read_retention_requests(*ctx_.store, ctx_.root);
  if (!requests) return std::unexpected(requests.error());
  const auto now = ctx_.clock();
  std::vector<retention_request_row> rows;
  for (const auto& r : requests->releases->approvals.requests)
    rows.push_back(row_of(r, retention::request_kind::release, r.request->body.clerk, now));
  for (const auto& r : requests->expiries->approvals.requests)
    rows.push_back(row_of(r, retention::request_kind::expiry, r.request->body.clerk, now));
  std::stable_sort(rows.begin(), rows.end(), [](const retention_request_row& a, const retention_request_row& b) {
    return a.state == "pending" && b.state != "pending";
  });
  return render_retention_approvals({who.person, who.roles, who.csrf}, rows);
}

}  // namespace bodycam::console::web
