// What `bodycam audit` finds in a store, as data: per device its chain verdict (the verifier's reason codes),
// sessions with their segments, statements and interruptions, pre-shift checks, clock syncs, receipts with
// the time from recording to storage, and the files whose bytes no longer match; plus the access and
// retention registers. The renderers (text, JSON, HTML) and the catalogue are all built from this one value.
#pragma once

#include <algorithm>

#include "common/chain/verifier.hpp"
#include "common/receipt/receipt.hpp"
#include "tools/audit/store_finding.hpp"
#include "tools/registers/register_book.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::audit {

namespace chain = common::chain;
namespace record = common::record;
namespace crypto = common::crypto;

// What the store holds for a file a record describes.
enum class object_state {
  verified,        // present and re-hashed now: matches the record
  present,         // present with the recorded length; not re-hashed in this run (--sample)
  missing,         // absent, and no expiry event explains it: not authentic
  expired,         // deleted under the retention policy (a signed expiry event names it)
  mismatch,        // present but its bytes or length no longer match the record: not authentic
  not_applicable,  // the record names no file (an annotation that is missing)
};
[[nodiscard]] std::string_view to_string(object_state s) noexcept;

struct object_audit {
  std::uint64_t seq = 0;  // the record that describes the file
  std::string file_name;
  crypto::sha256_digest sha256;
  std::uint64_t byte_length = 0;
  object_state state = object_state::missing;
  std::string detail;                          // e.g. the actual hash of a mismatch
  record::utc_time recorded_utc{};             // the record's claimed UTC (the segment's close)
  std::optional<record::utc_time> stored_utc;  // from the receipt covering the record
  std::optional<std::chrono::nanoseconds> upload_delay;
  bool late = false;  // stored more than 24 h after it was recorded, or not confirmed at all
  // A segment the camera closed after a power loss (salvage): its complete fragments are signed, and
  // `unsigned_tail_bytes` after them are kept but covered by no hash.
  bool salvaged = false;
  std::uint64_t unsigned_tail_bytes = 0;
};

struct statement_audit {
  std::uint64_t seq = 0;
  record::annotation_purpose purpose = record::annotation_purpose::start;
  record::annotation_status status = record::annotation_status::missing;
  bool speech_present = false;
  std::chrono::milliseconds speech{0};
  object_audit file;
};

// What an interruption asks of the officer. Only one that the camera resumed from asks for a resume
// statement, and each such interruption needs its own: the first resume statement after it and before the
// next one that asks (one explanation per event).
enum class statement_need : std::uint8_t {
  present,        // its own resume statement follows it
  missing,        // the session went on after it, with no resume statement of its own
  not_needed,     // recording went on (back_pressure: producers waited, nothing dropped; source_gap: the
                  // device skipped frames while recording ran): the camera asks for no statement
  session_ended,  // the camera stopped the session for this reason (low battery, storage full, fault)
  not_resumed,    // nothing of the session follows it in this store: no statement can be asked yet
};
[[nodiscard]] std::string_view to_string(statement_need need) noexcept;

// What became of an interruption (each one on its own; statement_need says the same for the statement).
enum class interruption_outcome : std::uint8_t {
  explained,          // the session resumed and a resume statement of its own follows
  unexplained,        // the session resumed (footage or a resume follows) without a resume statement
  closed_for_good,    // the camera stopped the session and no start resumed it (within the camera's window)
  recording_went_on,  // back_pressure or source_gap: nothing stopped, nothing to explain
  not_resumed,        // nothing follows it in this store (an excerpt, or the camera not yet docked again)
};
[[nodiscard]] std::string_view to_string(interruption_outcome outcome) noexcept;

struct gap_audit {
  std::uint64_t seq = 0;
  record::interruption_reason reason = record::interruption_reason::other;
  record::utc_time from{};
  record::utc_time to{};
  std::string detail;
  bool resume_statement = false;  // statement == present
  statement_need statement = statement_need::missing;
  interruption_outcome outcome = interruption_outcome::unexplained;
};

// A new run of a session after an automatic stop (a `session_resume` record).
struct resume_audit {
  std::uint64_t seq = 0;
  std::uint64_t resumes_seq = 0;  // the session_stop it names
  record::utc_time utc{};
  record::start_trigger trigger = record::start_trigger::button;
  std::chrono::milliseconds pre_event{0};  // the pre-event footage the run's first segment carries
};

// What the officers recorded about the session: the action being taken (an `action` record), an important
// moment (`mark`), an officer joining or leaving (`officer`).
struct action_audit {
  std::uint64_t seq = 0;
  record::utc_time utc{};
  std::string action;
  std::string case_number;  // "" = none
};
struct mark_audit {
  std::uint64_t seq = 0;
  record::utc_time utc{};
  std::string label;  // "" = none
};
struct officer_audit {
  std::uint64_t seq = 0;
  record::utc_time utc{};
  std::string officer_id;
  record::officer_change change = record::officer_change::join;
};

// Where the camera was (a `place` record), as written: the trigger, the fix or "no fix", the receiver lost.
struct place_audit {
  std::uint64_t seq = 0;
  record::utc_time utc{};
  record::place_payload place;
};

struct session_audit {
  record::session_id session;
  std::string officer_id;
  std::uint64_t first_seq = 0;  // its session_start (or first record that names it)
  std::uint64_t last_seq = 0;   // its session_stop (or last record that names it)
  record::utc_time start_utc{};
  std::optional<record::utc_time> stop_utc;
  std::optional<record::stop_reason> stop_reason;
  std::string stop_detail;
  std::vector<object_audit> segments;
  std::vector<statement_audit> statements;
  std::vector<object_audit> photos;  // each `photo` record's file, checked like a segment's
  std::vector<gap_audit> gaps;
  std::vector<std::string> notes;  // "start statement missing", "stop statement has no speech", ...
  std::chrono::milliseconds pre_event{0};  // session_start: the pre-event footage the first segment carries
  std::vector<resume_audit> resumes;       // runs after the first, in seq order
  std::vector<std::uint64_t> stop_seqs;    // every session_stop of the session (one per run)
  std::vector<action_audit> actions;       // in seq order; the latest before a moment is in force
  std::vector<mark_audit> marks;
  std::vector<officer_audit> officer_changes;
  std::vector<place_audit> places;  // in seq order
  // Every officer of the session: the wearer (officer_id, if any) and each officer who joined, in order.
  [[nodiscard]] std::vector<std::string> officers() const {
    std::vector<std::string> out;
    if (!officer_id.empty()) out.push_back(officer_id);
    for (const auto& c : officer_changes)
      if (c.change == record::officer_change::join && std::find(out.begin(), out.end(), c.officer_id) == out.end())
        out.push_back(c.officer_id);
    return out;
  }
};

struct precheck_audit {
  std::uint64_t seq = 0;
  record::utc_time utc{};
  record::precheck_outcome outcome = record::precheck_outcome::passed;
  std::vector<record::precheck_item> warnings;  // items that are warn or fail
};

// How the device's clock changed at a record, as the records show it (never a finding: a claimed UTC is a
// claim, and the chain's order rests on seq and monotonic time).
enum class clock_change : std::uint8_t {
  none,
  // Within one boot, UTC moved by `step` more than monotonic time since the previous record (|step| above
  // clock_step_threshold): the wall clock was set, forward or back.
  set_within_boot,
  // The first record of a boot claims a UTC earlier than the last record of the boot before (`step` < 0).
  behind_previous_boot,
};
[[nodiscard]] std::string_view to_string(clock_change c) noexcept;
// Below this a difference between UTC and monotonic time is drift or slewing, not a setting of the clock.
inline constexpr std::chrono::seconds clock_step_threshold{1};

struct clock_audit {
  std::uint64_t seq = 0;
  record::utc_time utc{};
  record::utc_source source = record::utc_source::unset;
  std::chrono::milliseconds error_bound{0};
  std::optional<std::chrono::nanoseconds> offset;  // from a timesync record
  std::string dock_id;
  clock_change change = clock_change::none;
  std::chrono::milliseconds step{0};  // signed; negative = set back
};

struct receipt_audit {
  std::string name;  // receipts/<name>
  std::string issuer;
  std::uint64_t first_seq = 0;
  std::uint64_t end_seq = 0;
  record::utc_time stored_utc{};
  crypto::sha256_digest head_hash;                      // record hash of end_seq-1, as the receipt states it
  std::vector<common::receipt::stored_object> objects;  // the files the receipt says are stored
  bool signature_ok = false;  // under keys/<issuer>.pub
  std::string problem;        // empty if fine
};

struct device_audit {
  record::device_id device;
  std::optional<crypto::public_key> key;
  chain::chain_report chain;
  std::vector<session_audit> sessions;
  std::vector<gap_audit> idle_gaps;  // interruptions outside any session
  std::vector<precheck_audit> prechecks;
  // timesync records, the utc claim of the first record of each boot, and each record where the clock was set
  std::vector<clock_audit> clock;
  std::vector<receipt_audit> receipts;
  std::vector<std::string> problems;  // not-authentic findings beyond the chain (files, receipts)
  std::vector<store_finding> store_findings;  // the files and receipt coverage among them, as data
  chain::verdict verdict = chain::verdict::cannot_verify;
  std::uint64_t late_count = 0;
};

struct audit_options {
  record::utc_time now{};
  std::chrono::hours late_after{24};
  // --sample n/m: re-hash only the objects in slice n of m (by digest), as restic's --read-data-subset.
  std::uint32_t sample_slice = 1;
  std::uint32_t sample_slices = 1;
  // --jobs: threads that check each chain's signatures (0: one per core); the report does not depend on it.
  unsigned jobs = 0;
  // Called after each file is checked: the device being audited, its place among the store's devices, and the
  // files and bytes checked so far (bytes: of files re-hashed). For a progress display; may be empty.
  struct progress {
    std::string device;
    std::size_t device_index = 0;
    std::size_t device_count = 0;
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
  };
  std::function<void(const progress&)> on_progress;
  // Audit only the devices for which this returns true (all when empty); the registers are read whole. The
  // console catalogue uses it to refresh only the devices whose records changed.
  std::function<bool(const record::device_id&)> only_devices;
};

struct audit_report {
  std::string store;
  record::utc_time generated_utc{};
  std::vector<device_audit> devices;
  std::optional<registers::register_book> access;
  std::optional<registers::register_book> retention;
  std::uint32_t sample_slice = 1;
  std::uint32_t sample_slices = 1;
  chain::verdict verdict = chain::verdict::cannot_verify;
};

}  // namespace bodycam::tools::audit
