// Two-person export: the actions and the rules E1-E3 (export_approval.hpp).
#include "tools/registers/export_approval.hpp"

#include "common/record/record_json.hpp"

#include <algorithm>
#include <map>

namespace bodycam::tools::registers {

namespace {

constexpr std::string_view approve_word = "approve ";
constexpr std::string_view refuse_word = "refuse ";
constexpr std::string_view request_word = "request ";

// "<clerk>.<seq>" with a label before the last dot and decimal digits after it.
bool is_entry_name(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return false;
  if (!std::all_of(name.begin() + static_cast<std::ptrdiff_t>(dot) + 1, name.end(),
                   [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  return crypto::is_valid_label(name.substr(0, dot));
}

std::string where(const signed_entry& e) { return "access/" + entry_name(e.body); }

}  // namespace

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
           "; an export needs a second person's approval, not the requester's own";
  if (request.state != request_state::pending)
    return "request " + entry_name(req) + " is already " + std::string(to_string(request.state));
  return std::nullopt;
}

std::optional<std::string> why_not_export(const export_request_status& request, std::string_view person,
                                          record::utc_time now) {
  const auto& req = request.request->body;
  if (request.state != request_state::approved)
    return "request " + entry_name(req) + " is " + std::string(to_string(request.state)) + ", not approved";
  if (req.clerk != person) return "request " + entry_name(req) + " was made by " + req.clerk + ", not by " + std::string(person);
  if (now > request.decision->body.utc + approval_lifetime)
    return "the approval of request " + entry_name(req) + " (" + record::format_utc(request.decision->body.utc) +
           ") is older than 7 days; request the export again";
  return std::nullopt;
}

approval_book check_export_approvals(const register_book& book, const supervisor_check& is_supervisor) {
  approval_book out;
  std::map<std::string, std::size_t> by_name;
  std::vector<const signed_entry*> decisions;
  std::vector<const signed_entry*> exports;
  for (const auto& chain : book.clerks)
    for (const auto& e : chain.entries) {
      if (e.body.action == export_request_action) {
        by_name.emplace(entry_name(e.body), out.requests.size());
        out.requests.push_back({&e, request_state::pending, nullptr, {}});
      } else if (parse_decision_action(e.body.action)) {
        decisions.push_back(&e);
      } else if (e.body.action == "export") {
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
      finding("decision_of_unknown_request", "names access/" + decision.request + ", which is no export request");
      continue;
    }
    auto& request = out.requests[found->second];
    const auto& req = request.request->body;
    if (d->body.clerk == req.clerk || d->body.clerk_key == req.clerk_key) {
      finding("self_approval", d->body.clerk + " decided their own request access/" + decision.request);
      continue;
    }
    if (!is_supervisor(*d)) {
      finding("approver_not_supervisor",
              d->body.clerk + " was not a supervisor in force at " + record::format_utc(d->body.utc));
      continue;
    }
    if (d->body.scopes != req.scopes) {
      finding("scope_mismatch", "its scopes are not those of request access/" + decision.request);
      continue;
    }
    if (d->body.utc < req.utc) {
      finding("decision_before_request", "dated before request access/" + decision.request);
      continue;
    }
    if (request.state != request_state::pending) {
      finding("already_decided", "request access/" + decision.request + " was already " +
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
      finding("export_unapproved", "by " + x->body.clerk + " (reference '" + x->body.reference +
                                       "') names no approved export request (\"request <clerk>.<seq>\")");
      continue;
    }
    const auto found = by_name.find(*named);
    if (found == by_name.end()) {
      finding("export_unapproved", "names access/" + *named + ", which is no export request");
      continue;
    }
    auto& request = out.requests[found->second];
    request.exports.push_back(x);
    if (request.state != request_state::approved) {
      finding("export_unapproved",
              "request access/" + *named + " is " + std::string(to_string(request.state)) + ", not approved");
      continue;
    }
    if (x->body.clerk != request.request->body.clerk) {
      finding("export_by_other", x->body.clerk + " exported request access/" + *named + " of " +
                                     request.request->body.clerk);
      continue;
    }
    if (x->body.utc < request.decision->body.utc) {
      finding("export_unapproved", "made before the approval " + where(*request.decision));
      continue;
    }
    if (x->body.utc > request.decision->body.utc + approval_lifetime)
      finding("approval_expired", "made more than 7 days after the approval " + where(*request.decision));
  }
  return out;
}

}  // namespace bodycam::tools::registers
