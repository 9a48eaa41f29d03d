// The audit's enrollment check: every signature in the store counted only if the enrollment register says
// its key may make it (tools/enrollment/authorization_table.hpp), under an agency root the auditor trusts.
// Invariants:
//  N1. The root is the one the auditor gives (--root FILE, or configured). A root found only in the store is used to read
//      the register but never makes the result authentic: the verdict is at best "cannot verify", and the
//      report says which root was used and where it came from.
//  N2. A register that does not verify (gap, broken link, bad signature, unauthorized signer) is not authentic,
//      naming the entry; so is a store without a register when the auditor gives a root.
//  N3. A receipt whose issuer key is not an enrolled dock in force at the receipt's stored time, a record whose
//      device key is not that camera's enrolled key in force at some time within the record's claimed UTC
//      and its error bound (records with an unset clock are not judged by time), an access or retention entry whose key is not a clerk or
//      supervisor in force at its time, and a hold release not by a supervisor: each is not authentic, named
//      by entry and key. One exception: an officer in force may sign access entries (the console's views of
//      their own footage) whose every scope names a device and a session of the store in which the officer
//      is the wearer or joined; any other scope is not authentic, naming the scope.
//  N4. Fleet completeness (fleet_table.hpp): every camera the register enrolled has a chain in the store or is
//      listed as "enrolled, never docked" with the age of its enrollment; one enrolled 24 h or more before the
//      audit's time and still in force without any footage in the store is `overdue` (fleet_findings, code
//      camera_overdue). A listing and findings, not a verdict: the store cannot tell whether the camera recorded.
//  N5. Two-person export (docs/formats/access-register.md §3 rule 5, tools/registers/export_approval.hpp): an
//      approval or refusal of an export request counts as a signature of kind approval (a supervisor in force,
//      or not authentic under N3); every export that lacks an approval by another person with role supervisor
//      (and every decision that breaks the rule) is listed in approval_findings with its code. Like N4 a
//      listing, not a verdict: the footage and the signatures are what they are; the finding says the export
//      left without the second person's approval. The same rule over the retention register
//      (registers::expiry_rule()): every expiry event without an approved request by another supervisor, or
//      deleting a file its request does not name, is listed there too (entries retention/...).
//  N6. A store with neither a register nor a given root is audited as before, with a note that who may sign
//      what was not checked.
#pragma once

#include "common/store/store.hpp"
#include "tools/audit/audit_report.hpp"
#include "tools/audit/fleet_table.hpp"
#include "tools/enrollment/enrollment_register.hpp"
#include "tools/registers/export_approval.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::audit {

struct enrollment_audit {
  std::string root_used;    // "--root FILE (fingerprint ...)", "the store's enrollment/root.pub only ...", "none"
  bool root_confirmed = false;
  bool register_present = false;
  std::size_t entry_count = 0;
  std::vector<enrollment::enrollment_finding> register_findings;
  std::vector<std::string> problems;  // N3: "<what> <where>: <reason>"
  std::vector<std::string> notes;
  std::vector<fleet_camera> fleet;
  std::vector<std::string> fleet_findings;  // N4: camera_overdue
  std::vector<registers::approval_finding> approval_findings;  // N5
  chain::verdict verdict = chain::verdict::authentic;
};

struct trusted_root {
  crypto::public_key key;
  std::string origin;  // how the auditor gave it: "--root FILE", "BODYCAM_AGENCY_ROOT=FILE", "<file> (configured)"
};

[[nodiscard]] common::core::expected<enrollment_audit> check_enrollment(const common::store::store& s,
                                                                        const audit_report& report,
                                                                        const std::optional<trusted_root>& root);
[[nodiscard]] std::string render_enrollment_text(const enrollment_audit& e);
[[nodiscard]] nlohmann::json render_enrollment_json(const enrollment_audit& e);

}  // namespace bodycam::tools::audit
