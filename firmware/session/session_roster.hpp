// Who is in the open session and what they are doing: the wearer (the camera's configured officer) plus the
// officers who joined, the action in force (a name from the configured list) with its case number. Pure: the
// recorder asks it to check a request before it appends the record, and applies the request once the record
// is in the ledger, so what the roster says is always what the chain says.
// Invariants:
//  1. A check never changes the roster; apply_* is called only after the record was appended.
//  2. An action is one of the configured names; a case number and a mark label follow
//     common/record/session_fields.hpp; an officer id follows the device-id rule.
//  3. An officer joins only if not present and leaves only if joined; the wearer neither joins nor leaves.
//  4. replay() rebuilds the roster from the session's records as the ledger holds them (after a power loss or
//     an automatic stop): the same records applied in seq order give the same roster as when they were
//     appended; records of other kinds change nothing.
#pragma once

#include "common/core/error.hpp"
#include "common/record/enums.hpp"
#include "common/record/payloads.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::firmware::session {

struct action_in_force {
  std::string action;
  std::string case_number;  // "" = none
};

// The default list of actions ([session] actions in the camera's configuration).
[[nodiscard]] std::vector<std::string> default_actions();

class session_roster {
 public:
  explicit session_roster(std::vector<std::string> allowed_actions = default_actions());

  // A new session: only the wearer ("" = none assigned) is present and no action is in force.
  void begin(std::string wearer);
  void clear();

  [[nodiscard]] common::core::status check_action(std::string_view action, std::string_view case_number) const;
  [[nodiscard]] common::core::status check_mark(std::string_view label) const;
  [[nodiscard]] common::core::status check_officer(std::string_view officer_id,
                                                   common::record::officer_change change) const;

  void apply_action(std::string action, std::string case_number);
  void apply_officer(const std::string& officer_id, common::record::officer_change change);
  // One record of the session, in seq order (invariant 4).
  void replay(const common::record::payload& body);

  [[nodiscard]] const std::optional<action_in_force>& action() const noexcept { return action_; }
  [[nodiscard]] const std::vector<std::string>& joined() const noexcept { return joined_; }
  // The wearer (if one is assigned) and every officer who joined and has not left.
  [[nodiscard]] std::size_t officer_count() const noexcept;
  // The wearer (if assigned) first, then the officers who joined, in the order they joined.
  [[nodiscard]] std::vector<std::string> present() const;
  [[nodiscard]] const std::vector<std::string>& allowed_actions() const noexcept { return allowed_; }

 private:
  std::vector<std::string> allowed_;
  std::string wearer_;
  std::vector<std::string> joined_;
  std::optional<action_in_force> action_;
};

}  // namespace bodycam::firmware::session
