// Two-person export (docs/formats/access-register.md §3 rule 5): an export is requested by one person and
// approved by another with role supervisor before the bundle is built. Request, approval, refusal and export
// are ordinary entries of the access register (kind access), told apart by their action:
//   "export_request"           the request: scopes = what is to be exported, reference = the case
//   "approve <clerk>.<seq>"    a supervisor's approval of that request, with the request's scopes
//   "refuse <clerk>.<seq>"     a supervisor's refusal of it, with the request's scopes
//   "export" with reference "request <clerk>.<seq>"   the export of an approved request (bundle_export)
// Two-person hold release (§3 rule 3) is the same again with kind hold: "release_request <hold>" asks, the
// decision approves, the release "release <hold>" with reference "request <clerk>.<seq>" ends the hold.
// Two-person expiry (docs/formats/access-register.md §3 rule 6) is the same mechanism in the retention
// register (kind expiry): "expiry_request" names the files (objects) and sessions (scopes) a dry run listed,
// "approve/refuse <clerk>.<seq>" decide it, and the expiry event carries the reference "request <clerk>.<seq>"
// and may delete only objects the request names (E4). `approval_rule` says which register is judged.
// This file reads those actions and decides, from one register, each request's state and which entries
// break the rule. Pure: the register is already read and checked (register_book.hpp); whether a key was a
// supervisor's at a time is asked through `is_supervisor`, answered by the enrollment register.
// Invariants:
//  E1. A request is approved when its first decision is an approval that counts: made by another person than
//      the requester (another id and another key), by a supervisor in force at the approval's time, with
//      exactly the request's scopes, not before the request. A refusal that counts ends the request the same
//      way (refused). Decisions that do not count change nothing and are findings.
//  E2. An approval is good for `approval_lifetime` (7 days): an export after that is a finding (expired).
//  E3. Every entry of action "export" must name, in its reference, a request approved under E1 and E2, made by
//      the same person who exports; every other export is a finding (export_unapproved, export_by_other,
//      approval_expired). Exports of this register are all judged; none is skipped.
//  E4. An expiry event deletes only objects its approved request names, a release ends only the hold its
//      request names (<executed>_outside_request).
#pragma once

#include "tools/registers/register_book.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::tools::registers {

inline constexpr std::string_view export_request_action = "export_request";
inline constexpr std::string_view expiry_request_action = "expiry_request";

// Which register the two-person rule judges, which entries of it are requests, decisions and executions, and
// whether an execution stays within its request.
struct approval_rule {
  std::string_view register_name;  // "access" or "retention": the prefix of entry names in findings
  entry_kind kind;                 // requests, decisions and executions are entries of this kind
  std::string_view executed;       // "export", "expiry" or "release": the prefix of the execution's finding codes
  bool (*is_request)(const register_entry& e);
  bool (*is_execution)(const register_entry& e);
  // E4: nullptr, or whether `execution` does only what `request` asked (else <executed>_outside_request).
  bool (*fits_request)(const register_entry& request, const register_entry& execution);
};
[[nodiscard]] const approval_rule& export_rule() noexcept;
[[nodiscard]] const approval_rule& expiry_rule() noexcept;
[[nodiscard]] const approval_rule& release_rule() noexcept;

// "release_request <hold>": a request to end the hold "<clerk>.<seq>" (kind hold); the hold it names, or nullopt.
[[nodiscard]] std::string release_request_action(std::string_view hold);
[[nodiscard]] std::optional<std::string> hold_of_release_request(std::string_view action);

// An expiry event that deleted files (kind expiry and neither a request nor a decision).
[[nodiscard]] bool is_expiry_event(const register_entry& e) noexcept;
inline constexpr std::chrono::hours approval_lifetime{24 * 7};

struct export_decision {
  std::string request;  // "<clerk>.<seq>"
  bool approved = false;
};

// "approve <request>" or "refuse <request>".
[[nodiscard]] std::string decision_action(const export_decision& d);
// nullopt if `action` is not a decision.
[[nodiscard]] std::optional<export_decision> parse_decision_action(std::string_view action);
// "request <request>": the reference of an export of an approved request.
[[nodiscard]] std::string export_reference(std::string_view request);
// The request an export's reference names, or nullopt.
[[nodiscard]] std::optional<std::string> referenced_request(std::string_view reference);

enum class request_state { pending, approved, refused };
[[nodiscard]] std::string_view to_string(request_state s) noexcept;

struct export_request_status {
  const signed_entry* request = nullptr;
  request_state state = request_state::pending;
  const signed_entry* decision = nullptr;  // the decision that counts (E1), if any
  std::vector<const signed_entry*> exports;
};

struct approval_finding {
  std::string entry;  // "access/<clerk>.<seq>"
  std::string code;   // decision_of_unknown_request, self_approval, approver_not_supervisor, scope_mismatch,
                      // decision_before_request, already_decided, export_unapproved, export_by_other,
                      // approval_expired; for expiry and release: <executed>_unapproved, _by_other,
                      // _outside_request
  std::string detail;
};

// May the key of `e` sign an approval at e.body.utc? (a supervisor in force then)
using supervisor_check = std::function<bool(const signed_entry& e)>;

struct approval_book {
  std::vector<export_request_status> requests;  // in the order of the requesters' chains
  std::vector<approval_finding> findings;

  [[nodiscard]] const export_request_status* find(std::string_view request) const;
};

// E1-E4 over one register under `rule`; the result points into `book`, which must outlive it.
[[nodiscard]] approval_book check_approvals(const register_book& book, const supervisor_check& is_supervisor,
                                            const approval_rule& rule);
// check_approvals over the access register with export_rule().
[[nodiscard]] approval_book check_export_approvals(const register_book& book, const supervisor_check& is_supervisor);

// Why `approver` may not decide `request` now (E1), or nullopt if they may: for the console and the CLI to
// refuse before anything is written. `is_supervisor` as above, asked with the would-be decision's time.
[[nodiscard]] std::optional<std::string> why_not_decide(const export_request_status& request, std::string_view approver,
                                                        const crypto::public_key& approver_key);

// Whether `request` may be exported now by `person` (E2, E3), or why not.
[[nodiscard]] std::optional<std::string> why_not_export(const export_request_status& request, std::string_view person,
                                                        record::utc_time now);

}  // namespace bodycam::tools::registers
