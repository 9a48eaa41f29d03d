// Builds evidence stores for the clerks' tools tests, as the dock would fill them: signed device records
// with explicit claimed UTC, the segment and annotation files they describe (small byte blobs whose SHA-256
// the records carry), enrolled device keys, and receipts signed by a dock whose key is in the store too.
// e.g. builder b(store); auto& cam = b.camera("cam-0001"); cam.at(t).start(); cam.segment("video 1"); ...
#pragma once

#include "common/chain/append.hpp"
#include "common/receipt/receipt.hpp"
#include "common/store/store.hpp"
#include "tests/support/chain_scenario.hpp"

#include <map>
#include <memory>
#include <string>

namespace bodycam::tests {

namespace ev = bodycam::common;

// 2026-01-10T08:00:00Z: older than the six-month minimum when the tests run (2026-11 and later).
inline constexpr std::int64_t old_shift_ms = 1'768'032'000'000;

class evidence_camera {
 public:
  evidence_camera(ev::store::store& s, std::string_view id, std::uint8_t key_seed);

  evidence_camera& at(ev::record::utc_time t) {
    utc_ = t;
    return *this;
  }
  evidence_camera& after(std::chrono::milliseconds d) {
    utc_ += d;
    return *this;
  }
  ev::record::utc_time now() const { return utc_; }

  // The officer wearing the camera in the sessions started or resumed from now on (default officer-7).
  evidence_camera& wearer(std::string officer_id) {
    wearer_ = std::move(officer_id);
    return *this;
  }
  evidence_camera& boot();
  evidence_camera& precheck(bool with_warning = false);
  evidence_camera& start();  // a new session
  evidence_camera& segment(const std::string& content);
  // A segment recorded encrypted: `ciphertext` is the stored file, the record states `plaintext` beside it.
  evidence_camera& encrypted_segment(const std::string& ciphertext, const ev::record::footage_plaintext& plaintext);
  evidence_camera& annotation(ev::record::annotation_purpose purpose, const std::string& content, bool speech = true);
  evidence_camera& missing_annotation(ev::record::annotation_purpose purpose);
  evidence_camera& interruption(ev::record::interruption_reason reason, std::chrono::seconds length);
  evidence_camera& stop(ev::record::stop_reason reason = ev::record::stop_reason::officer_end);
  // A new run of the current session after the session_stop at `stop_seq` (session_resume).
  evidence_camera& resume(std::uint64_t stop_seq, std::chrono::milliseconds pre_event = std::chrono::seconds(120));
  evidence_camera& timesync();
  // What the officers record in the current session: the action (and case), a mark, an officer joining or leaving.
  evidence_camera& action(const std::string& action, const std::string& case_number = "");
  evidence_camera& mark(const std::string& label = "");
  evidence_camera& officer(const std::string& officer_id, ev::record::officer_change change);
  // Where the camera was (a `place` record of the current session; `p.session` is set here).
  evidence_camera& place(ev::record::place_payload p);
  // The dock's receipt for every record since the last receipt, stored at `stored`.
  evidence_camera& receipt(ev::record::utc_time stored);

  [[nodiscard]] const ev::record::session_id& session() const { return session_; }
  [[nodiscard]] const ev::record::device_id& device() const { return device_; }
  [[nodiscard]] std::uint64_t next_seq() const { return head_.next_seq; }
  [[nodiscard]] const std::vector<ev::record::signed_record>& records() const { return records_; }

 private:
  void append(ev::record::payload body);
  ev::crypto::sha256_digest put_file(const std::string& content);

  ev::store::store& store_;
  ev::record::device_id device_;
  ev::crypto::software_signer signer_;
  ev::crypto::software_signer dock_;
  ev::chain::chain_head head_;
  std::uint32_t boot_counter_ = 0;
  std::int64_t monotonic_ms_ = 0;
  ev::record::utc_time utc_{std::chrono::milliseconds(old_shift_ms)};
  ev::record::session_id session_;
  std::uint32_t segment_index_ = 0;
  std::uint32_t session_count_ = 0;
  std::string wearer_ = "officer-7";
  std::uint64_t receipted_ = 0;
  std::vector<ev::record::signed_record> records_;
};

// A whole ordinary shift: boot, precheck, start + statement, `segments` segments a minute apart, stop +
// statement, docked and stored `delay` after the stop.
void record_shift(evidence_camera& cam, int segments, std::chrono::minutes delay);

// A shift a clerk must look at twice: the start statement missing, a power loss resumed without a statement,
// a low-battery interruption explained by its resume statement, a silent stop statement, pre-shift warnings,
// and three segments docked 30 hours after the stop (every one late).
void record_gap_shift(evidence_camera& cam);

}  // namespace bodycam::tests
