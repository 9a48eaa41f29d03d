// Two-person export: the actions and the rules E1-E3 (export_approval.hpp).
#include "tools/registers/export_approval.hpp"

#include "common/record/record_json.hpp"
#include "tools/registers/hold_release.hpp"

#include <algorithm>
#include <map>

namespace bodycam::tools::registers {

namespace {

constexpr std::string_view approve_word = "approve ";
constexpr std::string_view refuse_word = "refuse ";
constexpr std::string_view request_word = "request ";

bool is_export(const register_entry& e) { return e.action == "export"; }
bool is_export_request(const register_entry& e) { return e.action == export_request_action; }
bool is_expiry_request(const register_entry& e) { return e.action == expiry_request_action; }
bool is_release_request(const register_entry& e) { return hold_of_release_request(e.action).has_value(); }
bool is_release(const register_entry& e) { return released_hold(e.action).has_value(); }

bool objects_within(const register_entry& request, const register_entry& execution) {
  return std::all_of(execution.objects.begin(), execution.objects.end(), [&](const object_ref& o) {
    return std::find(request.objects.begin(), request.objects.end(), o) != request.objects.end();
  });
}

bool same_hold(const register_entry& request, const register_entry& execution) {
  return hold_of_release_request(request.action) == released_hold(execution.action);
}

constexpr std::string_view release_request_word = "release_request ";

}  // namespace

std::string release_request_action(std::string_view hold) {
  return std::string(release_request_word) + std::string(hold);
}

std::optional<std::string> hold_of_release_request(std::string_view action) {
  if (!action.starts_with(release_request_word) || !is_entry_name(action.substr(release_request_word.size())))
    return std::nullopt;
  return std::string(action.substr(release_request_word.size()));
}

bool is_expiry_event(const register_entry& e) noexcept {
  return e.kind == entry_kind::expiry && e.action != expiry_request_action && !parse_decision_action(e.action);
}

const approval_rule& export_rule() noexcept {
  static constexpr approval_rule rule{"access", entry_kind::access, "export", &is_export_request, &is_export, nullptr};
  return rule;
}

const approval_rule& expiry_rule() noexcept {
  static constexpr approval_rule rule{"retention",
                                      entry_kind::expiry,
                                      "expiry",
                                      &is_expiry_request,
                                      [](const register_entry& e) { return is_expiry_event(e); },
                                      &objects_within};
  return rule;
}

const approval_rule& release_rule() noexcept {
  static constexpr approval_rule rule{"retention",         entry_kind::hold, "release",
                                      &is_release_request, &is_release,      &same_hold};
  return rule;
}

std::string decision_action(const export_decision& d) {
  return std::string(d.approved ? approve_word : refuse_word) + d.request;
}

std::optional<export_decision> parse_decision_action(std::string_view action) {
  for (const bool approved : {true, false}) {
    const std::string_view word = approved ? approve_word : refuse_word;
    if (action.starts_with(word) && is_entry_name(action.substr(word.size())))
      return export_decision{std::string(action.substr(word.size())), approved};
  }
  return std::nullopt;
}

std::string export_reference(std::string_view request) { return std::string(request_word) + std::string(request); }

std::optional<std::string> referenced_request(std::string_view reference) {
  if (!reference.starts_with(request_word) || !is_entry_name(reference.substr(request_word.size())))
    return std::nullopt;
  return std::string(reference.substr(request_word.size()));
}

std::string_view to_string(request_state s) noexcept {
  switch (s) {
    case request_state::pending: return "pending";
    case request_state::approved: return "approved";
    case request_state::refused: return "refused";
  }
  return "unknown";
}

const export_request_status* approval_book::find(std::string_view request) const {
  for (const auto& r : requests)
    if (entry_name(r.request->body) == request) return &r;
  return nullptr;
}

std::optional<std::string> why_not_decide(const export_request_status& request, std::string_view approver,
                                          const crypto::public_key& approver_key) {
  const auto& req = request.request->body;
  if (req.clerk == approver || req.clerk_key == approver_key)
    return "request " + entry_name(req) + " was made by " + req.clerk +
           (req.kind == entry_kind::access   ? "; an export"
            : req.kind == entry_kind::expiry ? "; an expiry"
                                             : "; a hold release") +
           " needs a second person's approval, not the requester's own";
  if (request.state != request_state::pending)
    return "request " + entry_name(req) + " is already " + std::string(to_string(request.state));
  return std::nullopt;
}

std::optional<std::string> why_not_export(const export_request_status& request, std::string_view person,
                                          record::utc_time now) {
  const auto& req = request.request->body;
  if (request.state != request_state::approved)
    return "request " + entry_name(req) + " is " + std::string(to_string(request.state)) + ", not approved";
  if (req.clerk != person)
    return "request " + entry_name(req) + " was made by " + req.clerk + ", not by " + std::string(person);
  if (now > request.decision->body.utc + approval_lifetime)
    return "the approval of request " + entry_name(req) + " (" + record::format_utc(request.decision->body.utc) +
           ") is older than 7 days; request the export again";
  return std::nullopt;
}

approval_book check_export_approvals(const register_book& book, const supervisor_check& is_supervisor) {
  return check_approvals(book, is_supervisor, export_rule());
}

approval_book check_approvals(const register_book& book, const supervisor_check& is_supervisor,
                              const approval_rule& rule) {
  const std::string prefix = std::string(rule.register_name) + "/";
  const std::string executed(rule.executed);
  const auto where = [&](const signed_entry& e) { return prefix + entry_name(e.body); };
  approval_book out;
  std::map<std::string, std::size_t> by_name;
  std::vector<const signed_entry*> decisions;
  std::vector<const signed_entry*> exports;
  for (const auto& chain : book.clerks)
    for (const auto& e : chain.entries) {
      if (e.body.kind != rule.kind) continue;
      if (rule.is_request(e.body)) {
        by_name.emplace(entry_name(e.body), out.requests.size());
        out.requests.push_back({&e, request_state::pending, nullptr, {}});
      } else if (parse_decision_action(e.body.action)) {
        decisions.push_back(&e);
      } else if (rule.is_execution(e.body)) {
        exports.push_back(&e);
      }
    }
  const auto by_time = [](const signed_entry* a, const signed_entry* b) {
    return a->body.utc != b->body.utc ? a->body.utc < b->body.utc : entry_name(a->body) < entry_name(b->body);
  };
  std::sort(decisions.begin(), decisions.end(), by_time);
  std::sort(exports.begin(), exports.end(), by_time);

  for (const signed_entry* d : decisions) {  // E1
    const auto decision = *parse_decision_action(d->body.action);
    const auto found = by_name.find(decision.request);
    const auto finding = [&](std::string code, std::string detail) {
      out.findings.push_back({where(*d), std::move(code), std::move(detail)});
    };
    if (found == by_name.end()) {
      finding("decision_of_unknown_request",
              "names " + prefix + decision.request + ", which is no " + executed + " request");
      continue;
    }
    auto& request = out.requests[found->second];
    const auto& req = request.request->body;
    if (d->body.clerk == req.clerk || d->body.clerk_key == req.clerk_key) {
      finding("self_approval", d->body.clerk + " decided their own request " + prefix + decision.request);
      continue;
    }
    if (!is_supervisor(*d)) {
      finding("approver_not_supervisor",
              d->body.clerk + " was not a supervisor in force at " + record::format_utc(d->body.utc));
      continue;
    }
    if (d->body.scopes != req.scopes) {
      finding("scope_mismatch", "its scopes are not those of request " + prefix + decision.request);
      continue;
    }
    if (d->body.utc < req.utc) {
      finding("decision_before_request", "dated before request " + prefix + decision.request);
      continue;
    }
    if (request.state != request_state::pending) {
      finding("already_decided", "request " + prefix + decision.request + " was already " +
                                     std::string(to_string(request.state)) + " by " + where(*request.decision));
      continue;
    }
    request.state = decision.approved ? request_state::approved : request_state::refused;
    request.decision = d;
  }

  for (const signed_entry* x : exports) {  // E2, E3
    const auto finding = [&](std::string code, std::string detail) {
      out.findings.push_back({where(*x), std::move(code), std::move(detail)});
    };
    const auto named = referenced_request(x->body.reference);
    if (!named) {
      finding(executed + "_unapproved", "by " + x->body.clerk + " (reference '" + x->body.reference +
                                            "') names no approved request (\"request <clerk>.<seq>\")");
      continue;
    }
    const auto found = by_name.find(*named);
    if (found == by_name.end()) {
      finding(executed + "_unapproved", "names " + prefix + *named + ", which is no " + executed + " request");
      continue;
    }
    auto& request = out.requests[found->second];
    request.exports.push_back(x);
    if (request.state != request_state::approved) {
      finding(executed + "_unapproved",
              "request " + prefix + *named + " is " + std::string(to_string(request.state)) + ", not approved");
      continue;
    }
    if (x->body.clerk != request.request->body.clerk) {
      finding(executed + "_by_other", x->body.clerk + (executed == "export" ? " exported" : " expired") + " request " +
                                          prefix + *named + " of " + request.request->body.clerk);
      continue;
    }
    if (x->body.utc < request.decision->body.utc) {
      finding(executed + "_unapproved", "made before the approval " + where(*request.decision));
      continue;
    }
    if (x->body.utc > request.decision->body.utc + approval_lifetime)
      finding("approval_expired", "made more than 7 days after the approval " + where(*request.decision));
    if (rule.fits_request && !rule.fits_request(request.request->body, x->body))
      finding(executed + "_outside_request", "does more than request " + prefix + *named + " asked");
  }
  return out;
}

}  // namespace bodycam::tools::registers
