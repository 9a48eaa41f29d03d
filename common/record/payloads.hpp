// The payload of each record kind (DESIGN.md §3). Each payload lists its fields once, in wire order, in a
// `fields(self, visit)` function; the canonical encoder, the bounds-checked decoder and the JSON writer are
// all driven by that one list, so the three can never disagree. The byte layout these lists produce is
// specified in docs/formats/chain.md; changing a list changes the format (and fails the golden vectors).
#pragma once

#include "common/crypto/ed25519.hpp"
#include "common/crypto/sha256.hpp"
#include "common/record/enums.hpp"
#include "common/record/ids.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bodycam::common::record {

using nanoseconds = std::chrono::nanoseconds;
using milliseconds = std::chrono::milliseconds;
using utc_time = std::chrono::sys_time<std::chrono::nanoseconds>;

struct boot_payload {
  static constexpr record_kind kind = record_kind::boot;
  std::string firmware_version;
  shutdown_kind previous_shutdown = shutdown_kind::first_boot;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("firmware_version", s.firmware_version);
    v("previous_shutdown", s.previous_shutdown);
  }
};

struct precheck_item {
  std::string check;  // battery, storage, clock, camera, microphone, device_key, chain_head, ...
  check_status status = check_status::ok;
  std::string detail;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("check", s.check);
    v("status", s.status);
    v("detail", s.detail);
  }
};

struct precheck_payload {
  static constexpr record_kind kind = record_kind::precheck;
  precheck_outcome outcome = precheck_outcome::passed;
  std::chrono::minutes planned_shift{0};
  std::vector<precheck_item> items;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("outcome", s.outcome);
    v("planned_shift_minutes", s.planned_shift);
    v("items", s.items);
  }
};

struct session_start_payload {
  static constexpr record_kind kind = record_kind::session_start;
  session_id session;
  std::string officer_id;
  start_trigger trigger = start_trigger::button;
  milliseconds pre_event{0};  // footage before the start that the first segment carries
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("session", s.session);
    v("officer_id", s.officer_id);
    v("trigger", s.trigger);
    v("pre_event_ms", s.pre_event);
  }
};

struct track_range {
  track_type track = track_type::video;
  std::uint32_t time_base_num = 1;
  std::uint32_t time_base_den = 1;
  std::int64_t first_pts = 0;
  std::int64_t last_pts = 0;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("track", s.track);
    v("time_base_num", s.time_base_num);
    v("time_base_den", s.time_base_den);
    v("first_pts", s.first_pts);
    v("last_pts", s.last_pts);
  }
};

// The plaintext of an encrypted footage file (docs/formats/encrypted-footage.md). Present in a segment,
// annotation or photo record exactly when its file is encrypted; the record's byte_length and file_sha256 (and a
// segment's init_sha256 and fragment_root) then cover the ciphertext as stored, and this the plaintext the
// file decrypts to: the fragments' plaintexts concatenated in order (docs/formats/chain.md §4.2).
struct footage_plaintext {
  std::uint64_t byte_length = 0;
  crypto::sha256_digest sha256;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("plaintext_byte_length", s.byte_length);
    v("plaintext_sha256", s.sha256);
  }
};

struct segment_payload {
  static constexpr record_kind kind = record_kind::segment;
  session_id session;
  std::uint32_t index = 0;  // 0 for the first segment of the session
  std::string file_name;
  std::uint64_t byte_length = 0;
  crypto::sha256_digest file_sha256;
  crypto::sha256_digest init_sha256;  // ftyp+moov
  std::uint32_t fragment_count = 0;
  crypto::sha256_digest fragment_root;  // RFC 6962 Merkle root over the fragments' SHA-256
  std::vector<track_range> tracks;
  close_reason closed_by = close_reason::rollover;
  std::uint64_t unsigned_tail_bytes = 0;  // bytes after the last hashed fragment
  std::optional<footage_plaintext> encrypted;  // last field: present iff the file is encrypted
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("session", s.session);
    v("index", s.index);
    v("file_name", s.file_name);
    v("byte_length", s.byte_length);
    v("file_sha256", s.file_sha256);
    v("init_sha256", s.init_sha256);
    v("fragment_count", s.fragment_count);
    v("fragment_root", s.fragment_root);
    v("tracks", s.tracks);
    v("close_reason", s.closed_by);
    v("unsigned_tail_bytes", s.unsigned_tail_bytes);
    v("encrypted", s.encrypted);
  }
};

struct annotation_payload {
  static constexpr record_kind kind = record_kind::annotation;
  session_id session;
  annotation_purpose purpose = annotation_purpose::start;
  annotation_status status = annotation_status::recorded;
  std::string file_name;  // empty when missing
  std::uint64_t byte_length = 0;
  crypto::sha256_digest file_sha256;
  milliseconds duration{0};
  bool speech_present = false;
  milliseconds speech{0};  // how much of it the voice-activity check found to be speech
  std::optional<footage_plaintext> encrypted;  // last field: present iff the file is encrypted
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("session", s.session);
    v("purpose", s.purpose);
    v("status", s.status);
    v("file_name", s.file_name);
    v("byte_length", s.byte_length);
    v("file_sha256", s.file_sha256);
    v("duration_ms", s.duration);
    v("speech_present", s.speech_present);
    v("speech_ms", s.speech);
    v("encrypted", s.encrypted);
  }
};

struct interruption_payload {
  static constexpr record_kind kind = record_kind::interruption;
  session_id session;  // none (all zero) if no session was active
  interruption_reason reason = interruption_reason::other;
  utc_time from{};  // the claimed UTC range in which footage is missing
  utc_time to{};
  std::string detail;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("session", s.session);
    v("reason", s.reason);
    v("from_utc_ns", s.from);
    v("to_utc_ns", s.to);
    v("detail", s.detail);
  }
};

struct recovery_payload {
  static constexpr record_kind kind = record_kind::recovery;
  recovery_cause cause = recovery_cause::power_loss;
  std::string file_name;  // the salvaged .partial segment, empty if none
  std::uint64_t salvaged_bytes = 0;
  std::uint32_t salvaged_fragments = 0;
  std::uint64_t unsigned_tail_bytes = 0;
  std::string detail;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("cause", s.cause);
    v("file_name", s.file_name);
    v("salvaged_bytes", s.salvaged_bytes);
    v("salvaged_fragments", s.salvaged_fragments);
    v("unsigned_tail_bytes", s.unsigned_tail_bytes);
    v("detail", s.detail);
  }
};

struct session_stop_payload {
  static constexpr record_kind kind = record_kind::session_stop;
  session_id session;
  stop_reason reason = stop_reason::officer_end;
  std::string detail;
  std::uint32_t segment_count = 0;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("session", s.session);
    v("reason", s.reason);
    v("detail", s.detail);
    v("segment_count", s.segment_count);
  }
};

struct timesync_payload {
  static constexpr record_kind kind = record_kind::timesync;
  std::string dock_id;
  crypto::public_key dock_key;
  utc_time dock_utc{};
  nanoseconds offset{0};  // device's claimed UTC minus the dock's, at the sync
  std::uint64_t checkpoint_count = 0;  // the checkpoint the dock witnessed
  crypto::sha256_digest checkpoint_head;
  crypto::signature dock_signature;  // the dock's witness signature (docs/formats/chain.md §Witness)
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("dock_id", s.dock_id);
    v("dock_key", s.dock_key);
    v("dock_utc_ns", s.dock_utc);
    v("offset_ns", s.offset);
    v("checkpoint_count", s.checkpoint_count);
    v("checkpoint_head", s.checkpoint_head);
    v("dock_signature", s.dock_signature);
  }
};

struct receipt_payload {
  static constexpr record_kind kind = record_kind::receipt;
  std::string issuer;  // the dock/store that signed the receipt
  crypto::public_key issuer_key;
  std::uint64_t covered_count = 0;  // records with seq < covered_count are durably stored
  crypto::sha256_digest receipt_sha256;  // of the receipt document
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("issuer", s.issuer);
    v("issuer_key", s.issuer_key);
    v("covered_count", s.covered_count);
    v("receipt_sha256", s.receipt_sha256);
  }
};

struct reclaimed_file {
  std::string file_name;
  std::uint64_t byte_length = 0;
  crypto::sha256_digest file_sha256;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("file_name", s.file_name);
    v("byte_length", s.byte_length);
    v("file_sha256", s.file_sha256);
  }
};

struct reclaim_payload {
  static constexpr record_kind kind = record_kind::reclaim;
  std::uint64_t receipt_seq = 0;  // the `receipt` record that allows it
  std::vector<reclaimed_file> files;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("receipt_seq", s.receipt_seq);
    v("files", s.files);
  }
};

struct key_rotate_payload {
  static constexpr record_kind kind = record_kind::key_rotate;
  crypto::public_key new_key;  // signs every record after this one
  std::string reason;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("new_key", s.new_key);
    v("reason", s.reason);
  }
};

struct config_payload {
  static constexpr record_kind kind = record_kind::config;
  crypto::sha256_digest config_sha256;
  std::string summary;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("config_sha256", s.config_sha256);
    v("summary", s.summary);
  }
};

// A new run of a session the camera stopped automatically (low battery, storage full, fault): the officer
// started again within the resume window, so the footage continues the same session (its segment index goes
// on) and the officer is asked for a resume statement, not a start statement.
struct session_resume_payload {
  static constexpr record_kind kind = record_kind::session_resume;
  session_id session;
  std::uint64_t resumes_seq = 0;  // the automatic `session_stop` this run resumes
  std::string officer_id;
  start_trigger trigger = start_trigger::button;
  milliseconds pre_event{0};  // footage before the resume that the run's first segment carries
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("session", s.session);
    v("resumes_seq", s.resumes_seq);
    v("officer_id", s.officer_id);
    v("trigger", s.trigger);
    v("pre_event_ms", s.pre_event);
  }
};

// What the officers are doing in the session (inspection, on-site penalty, seizure, ...: a name from the
// camera's configured list) and for which case; the latest `action` of a session is the one in force.
struct action_payload {
  static constexpr record_kind kind = record_kind::action;
  session_id session;
  std::string action;
  std::string case_number;  // "" = none; at most 64 bytes, no control characters
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("session", s.session);
    v("action", s.action);
    v("case_number", s.case_number);
  }
};

// An important moment the officer marked while recording.
struct mark_payload {
  static constexpr record_kind kind = record_kind::mark;
  session_id session;
  std::string label;  // "" = none; at most 64 bytes, no control characters
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("session", s.session);
    v("label", s.label);
  }
};

// An officer joins or leaves the session; the wearer (session_start.officer_id) is there from the start.
struct officer_payload {
  static constexpr record_kind kind = record_kind::officer;
  session_id session;
  std::string officer_id;  // the device-id rule: 1-64 characters of A-Z a-z 0-9 . _ -, not starting with '.'
  officer_change change = officer_change::join;
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("session", s.session);
    v("officer_id", s.officer_id);
    v("change", s.change);
  }
};

// Where the camera was (GNSS through gpsd): at the session's start, with each segment, every configured
// interval while there is a fix, and when the fix or the receiver is lost or the fix comes back. With
// fix == none the position fields are 0 and mean nothing; "no fix" is a statement, never a missing record.
struct place_payload {
  static constexpr record_kind kind = record_kind::place;
  session_id session;
  place_trigger trigger = place_trigger::session_start;
  fix_quality fix = fix_quality::none;
  std::int64_t latitude_e7 = 0;   // degrees × 10^7, north positive
  std::int64_t longitude_e7 = 0;  // degrees × 10^7, east positive
  std::int64_t altitude_mm = 0;   // above mean sea level; 0 unless fix == fix_3d
  bool horizontal_accuracy_known = false;
  std::uint32_t horizontal_accuracy_mm = 0;  // the receiver's estimate (95 %), when known
  utc_time gnss_utc{};                       // the fix's own UTC time; the epoch when the receiver gave none
  std::string detail;                        // why, for source_lost ("gpsd 127.0.0.1:2947: connection refused")
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("session", s.session);
    v("trigger", s.trigger);
    v("fix", s.fix);
    v("latitude_e7", s.latitude_e7);
    v("longitude_e7", s.longitude_e7);
    v("altitude_mm", s.altitude_mm);
    v("horizontal_accuracy_known", s.horizontal_accuracy_known);
    v("horizontal_accuracy_mm", s.horizontal_accuracy_mm);
    v("gnss_utc_ns", s.gnss_utc);
    v("detail", s.detail);
  }
};

// A still the officer took from the live video while recording: its own JPEG file in the session's folder.
// The frame is the one the pipeline was encoding (scaled, with the OSD burned in), so pts places it on the
// session's video timeline and utc is when that frame was captured.
struct photo_payload {
  static constexpr record_kind kind = record_kind::photo;
  session_id session;
  std::string file_name;
  std::uint64_t byte_length = 0;
  crypto::sha256_digest file_sha256;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t time_base_num = 1;  // of pts
  std::uint32_t time_base_den = 1;
  std::int64_t pts = 0;
  utc_time captured_utc{};
  std::optional<footage_plaintext> encrypted;  // last field: present iff the file is encrypted
  template <class Self, class Visit>
  static void fields(Self& s, Visit&& v) {
    v("session", s.session);
    v("file_name", s.file_name);
    v("byte_length", s.byte_length);
    v("file_sha256", s.file_sha256);
    v("width", s.width);
    v("height", s.height);
    v("time_base_num", s.time_base_num);
    v("time_base_den", s.time_base_den);
    v("pts", s.pts);
    v("captured_utc_ns", s.captured_utc);
    v("encrypted", s.encrypted);
  }
};

// Alternatives in record_kind order: index + 1 == kind code.
using payload = std::variant<boot_payload, precheck_payload, session_start_payload, segment_payload,
                             annotation_payload, interruption_payload, recovery_payload, session_stop_payload,
                             timesync_payload, receipt_payload, reclaim_payload, key_rotate_payload, config_payload,
                             session_resume_payload, action_payload, mark_payload, officer_payload,
                             place_payload, photo_payload>;

[[nodiscard]] inline record_kind kind_of(const payload& p) noexcept {
  return std::visit([](const auto& alternative) { return std::decay_t<decltype(alternative)>::kind; }, p);
}

}  // namespace bodycam::common::record
