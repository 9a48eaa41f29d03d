// Holds, hold releases and expiry as actions on a store: the one writer of the retention register's entries,
// shared by `bodycam retention` and the console (console/web/retention_routes.cpp). Each action reads the store
// and the registers, checks, and appends one signed entry through tools/registers; only expire_approved deletes,
// and only after its signed expiry event is stored (docs/formats/access-register.md §3 rules 3 and 6).
// Guarantees:
//  A1. A hold is checked against the store before it is signed (hold_scope.hpp 1-5).
//  A2. A release or expiry is carried out only under a request of the same person, approved by another
//      supervisor within approval_lifetime (registers::why_not_export); otherwise nothing is written.
//  A3. An expiry request names exactly the files the dry run (expiry_plan) lists as due; expire_approved deletes
//      only files of the approved request that are still due now (a hold placed since keeps its files).
//  A4. A retention register that does not verify makes every hold check, release and expiry refuse (corrupt).
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/store/store.hpp"
#include "tools/registers/export_approval.hpp"
#include "tools/retention/hold_scope.hpp"

#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::audit {
struct export_approvals;
}

namespace bodycam::tools::retention {

// Who signs an entry, and when.
struct signing_clerk {
  std::string id;
  std::string department;
  common::crypto::signer* signer = nullptr;
  record::utc_time now{};
};

// The media the store holds (present files only). Every session a session_start or segment record names goes
// into `sessions`, every record (device, its session or none, seq, claimed UTC) into `records`, when given.
[[nodiscard]] common::core::expected<std::vector<media_item>> stored_media(
    const common::store::store& s, std::vector<known_session>* sessions = nullptr,
    std::vector<media_item>* records = nullptr);
// Holds whose entry no release names, one per scope.
[[nodiscard]] std::vector<hold> holds_in_force(const registers::register_book& book);
// holds_in_force of the store's retention register; corrupt if it does not verify (A4), `nothing` ends the message.
[[nodiscard]] common::core::expected<std::vector<hold>> read_holds_in_force(const common::store::store& s,
                                                                            const std::string& nothing);
// The hold in force named "<clerk>.<seq>" (or "retention/<clerk>.<seq>"), or nullopt.
[[nodiscard]] std::optional<hold> find_hold(const std::vector<hold>& in_force, std::string_view name);

struct hold_wanted {
  std::string reason;  // evidence, complaint, major_incident, legal_hold
  record::device_id device;
  std::string session;  // 1..32 hex digits, or empty for a time range
  record::utc_time from{};
  record::utc_time to{};
  std::string reference;
};
struct placed_hold {
  registers::signed_entry entry;
  hold placed;
  hold_coverage coverage;
};
// A1; refusals name the scope, the caller adds "; no hold placed".
[[nodiscard]] common::core::expected<placed_hold> place_hold(common::store::store& s, const hold_wanted& wanted,
                                                             const signing_clerk& clerk);

struct requested_release {
  registers::signed_entry entry;
  hold held;
};
// The request to end hold `hold_name` (in force); a supervisor other than the clerk decides it.
[[nodiscard]] common::core::expected<requested_release> request_release(common::store::store& s,
                                                                        std::string_view hold_name,
                                                                        const std::string& reference,
                                                                        const signing_clerk& clerk);

// A refusal of a carried-out action: its message, and whether the registers failed to verify.
struct refusal {
  std::string message;
  bool not_authentic = false;
};
struct approved_request {
  std::string name;  // "<clerk>.<seq>"
  std::unique_ptr<audit::export_approvals> approvals;
  const registers::export_request_status* status = nullptr;  // points into approvals
  approved_request();
  approved_request(approved_request&&) noexcept;
  approved_request& operator=(approved_request&&) noexcept;
  ~approved_request();
};
enum class request_kind { release, expiry };
// The request `name` of `kind`, usable by `clerk_id` now (A2); a refusal ends with `nothing`.
[[nodiscard]] std::expected<approved_request, refusal> find_approved_request(
    const common::store::store& s, const common::crypto::public_key& root, std::string_view name, request_kind kind,
    const std::string& clerk_id, record::utc_time now, std::string_view nothing);

struct released_hold {
  registers::signed_entry entry;
  std::string request;   // "<clerk>.<seq>"
  std::string hold;      // "<clerk>.<seq>"
  std::string reason;    // the hold's reason
  std::string approver;
};
// A2: ends the hold that the approved release request `name` names, by its requester.
[[nodiscard]] std::expected<released_hold, refusal> release_approved(common::store::store& s,
                                                                     const common::crypto::public_key& root,
                                                                     std::string_view name, const signing_clerk& clerk);

// The dry run: every stored media file with its outcome under `keep_for` now (A4: corrupt if the register fails).
[[nodiscard]] common::core::expected<std::vector<decision>> expiry_plan(const common::store::store& s,
                                                                        record::utc_time now,
                                                                        std::chrono::days keep_for);
// The due files of a plan.
[[nodiscard]] std::vector<const decision*> due_files(const std::vector<decision>& plan);
// One scope per device and session of `files`.
[[nodiscard]] std::vector<registers::scope> session_scopes(const std::vector<const decision*>& files);
// A3: the signed request naming exactly `due`.
[[nodiscard]] common::core::expected<registers::signed_entry> request_expiry(common::store::store& s,
                                                                             const std::vector<const decision*>& due,
                                                                             const std::string& reference,
                                                                             const signing_clerk& clerk);

struct expiry_result {
  std::string request;
  std::string approver;
  std::size_t held = 0;         // files of the request a hold now covers: kept
  std::size_t young = 0;        // files of the request not due: kept
  std::size_t unrequested = 0;  // due files the request does not name: kept
  std::size_t removed = 0;
  std::optional<registers::signed_entry> event;  // none when nothing was still due
};
// A2, A3: the expiry event first, then the deletions it records.
[[nodiscard]] std::expected<expiry_result, refusal> expire_approved(common::store::store& s,
                                                                    const common::crypto::public_key& root,
                                                                    std::string_view name,
                                                                    const std::vector<decision>& plan, int days,
                                                                    const signing_clerk& clerk);

}  // namespace bodycam::tools::retention
