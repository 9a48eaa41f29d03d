// Who may sign what, and when: the answer the enrollment register gives. Built from the register's entries
// in chain order; pure (no I/O), so every row, edge and attack is a unit test.
// The rows (signature kind → who may make it):
//   record          an enrolled camera
//   receipt         an enrolled dock
//   access_entry    a person with role clerk or supervisor; an officer only for sessions they are an officer of
//                   (officer_in_force here; the session part is the audit's, tools/audit/enrollment_check.hpp N3)
//   retention_entry a person with role clerk or supervisor (holds, expiry events)
//   approval        a person with role supervisor (decisions on export, expiry and hold release requests)
//   enrollment      the agency root, or a person with role admin
//   cosignature     an enrolled witness
//   note            a person with role officer or clerk (metadata register); an officer only on their own
//                   sessions, those they wore the camera for or joined (may_note, A4)
// Invariants:
//  A1. A grant is in force for times T with valid_from <= T < end, where end is the earliest of valid_until
//      (if set), the time of a counted revocation of it, and the valid_from of a later grant for the same
//      kind and subject under another key (rotation). So signatures made before a revocation or a rotation
//      stay valid, and none made after it count.
//  A2. An entry counts only if its signer is the root, or a key that may sign `enrollment` at the entry's
//      time under the entries that count (delegation to admins). Entries signed by an admin whom the
//      register later revokes with effect before the entry's time stop counting; this is re-checked until
//      nothing changes, so the table never depends on the order of the checks.
//  A3. Every "no" carries a reason naming the key's fingerprint prefix and, when the key is enrolled, the
//      subject, kind and the edge it missed.
//  A4. A session is an officer's own when its roster (the officer who wore the camera and every officer who
//      joined, as its records show) names the officer: is_session_officer, the one rule that the notes, the
//      console's pages and API, and the audit of officers' access entries all apply. An officer may note a
//      session when their grant is in force at the note's time and the session is their own; a clerk may note
//      any session.
#pragma once

#include "tools/enrollment/enrollment_entry.hpp"

#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::enrollment {

// A4: is `person` one of a session's officers (`roster`: the wearer and every officer who joined)?
[[nodiscard]] bool is_session_officer(const std::vector<std::string>& roster, std::string_view person) noexcept;

enum class signature_kind { record, receipt, access_entry, retention_entry, approval, enrollment, cosignature, note };
[[nodiscard]] std::string_view to_string(signature_kind k) noexcept;

struct grant {
  std::uint64_t seq = 0;  // the enrollment entry
  subject_kind kind = subject_kind::none;
  std::string subject;
  crypto::public_key key;
  std::uint8_t roles = 0;
  std::string unit;
  record::utc_time valid_from{};
  std::optional<record::utc_time> end;  // A1: the earliest end
  std::string end_reason;               // "valid until", "revoked by entry N: <reason>", "rotated by entry N"

  [[nodiscard]] bool is_in_force(record::utc_time t) const noexcept { return valid_from <= t && (!end || t < *end); }
};

struct decision {
  bool allowed = false;
  std::string subject;  // the grant's subject when the key is enrolled
  std::uint64_t entry_seq = 0;
  std::string reason;  // A3: why not; empty when allowed
};

struct rejected_entry {
  std::uint64_t seq = 0;
  std::string code;  // unauthorized_signer, unknown_revoked_entry
  std::string detail;
};

class authorization_table {
 public:
  // A2. `rejected` gets every entry that does not count, with the reason.
  [[nodiscard]] static authorization_table build(const crypto::public_key& root,
                                                 const std::vector<enrollment_entry>& entries,
                                                 std::vector<rejected_entry>* rejected = nullptr);

  [[nodiscard]] decision may_sign(const crypto::public_key& key, signature_kind kind, record::utc_time t) const;
  // A4: may `key` sign a note at `t` on session `session` of camera `device`, whose officers are `roster`
  // (nullptr when the session's records are not known: then only a clerk may).
  [[nodiscard]] decision may_note(const crypto::public_key& key, std::string_view device, std::string_view session,
                                  const std::vector<std::string>* roster, record::utc_time t) const;
  // Is `key` an officer's (a person with role officer) in force at `t`? The subject is the officer's id.
  [[nodiscard]] decision officer_in_force(const crypto::public_key& key, record::utc_time t) const;
  [[nodiscard]] const crypto::public_key& root() const noexcept { return root_; }
  [[nodiscard]] const std::vector<grant>& grants() const noexcept { return grants_; }
  // The grants of one kind, in entry order.
  [[nodiscard]] std::vector<const grant*> grants_of(subject_kind kind) const;

 private:
  crypto::public_key root_;
  std::vector<grant> grants_;
};

// Whether a grant's kind and roles fit the row of `kind` (ignoring time).
[[nodiscard]] bool grant_fits(const grant& g, signature_kind kind) noexcept;
// "a camera", "a dock", "a person with role clerk or supervisor", ...: who the row allows, for messages.
[[nodiscard]] std::string who_may_sign(signature_kind kind);

}  // namespace bodycam::tools::enrollment
