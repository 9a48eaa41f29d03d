#include "tests/support/chain_scenario.hpp"

#include <sstream>
#include <stdexcept>

namespace bodycam::tests {

using namespace bodycam::common;

crypto::secret_key fixed_key(std::uint8_t n) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(n);
  return crypto::secret_key::from_seed(seed).value();
}

chain_scenario::chain_scenario(std::string_view device, std::uint8_t key_seed)
    : device_(record::device_id::parse(device).value()),
      signer_(fixed_key(key_seed)),
      first_key_(signer_.public_key()),
      next_key_seed_(static_cast<std::uint8_t>(key_seed + 100)) {}

void chain_scenario::append(record::payload body) {
  monotonic_ms_ += 1000;
  utc_ms_ += 1000;
  record::record draft;
  draft.device = device_;
  draft.boot_counter = boot_counter_;
  draft.monotonic = std::chrono::milliseconds(monotonic_ms_);
  draft.utc = {record::utc_time(std::chrono::milliseconds(utc_ms_)), record::utc_source::dock_sync,
               std::chrono::minutes(30), std::chrono::milliseconds(50)};
  draft.body = std::move(body);
  auto signed_record = chain::append_to_chain(std::move(draft), head_, signer_).value();
  head_ = chain::head_after(signed_record);
  records_.push_back(std::move(signed_record));
}

chain_scenario& chain_scenario::run(std::string_view words) {
  std::istringstream in{std::string(words)};
  std::string word;
  while (in >> word) {
    if (word == "boot") {
      ++boot_counter_;
      monotonic_ms_ = 0;
      append(record::boot_payload{"test-1.0", record::shutdown_kind::clean});
    } else if (word == "precheck") {
      append(record::precheck_payload{record::precheck_outcome::passed, std::chrono::minutes(480),
                                      {{"battery", record::check_status::ok, "92%"}}});
    } else if (word == "start") {
      session_.bytes.fill(0);
      session_.bytes[0] = static_cast<std::uint8_t>(records_.size() + 1);
      segment_index_ = 0;
      append(record::session_start_payload{session_, "officer-7", record::start_trigger::button,
                                           std::chrono::seconds(30)});
    } else if (word == "seg" || word == "eseg") {
      record::segment_payload s;
      s.session = session_;
      s.index = segment_index_++;
      s.file_name = session_.to_hex() + "-" + std::to_string(s.index) + ".mp4";
      s.byte_length = 1000 + s.index;
      s.file_sha256 = crypto::sha256(s.file_name);
      s.fragment_count = 60;
      s.tracks = {{record::track_type::video, 1, 90000, 0, 5'400'000}};
      if (word == "eseg") s.encrypted = record::footage_plaintext{900 + s.index, crypto::sha256("plain " + s.file_name)};
      append(std::move(s));
    } else if (word == "eannotate") {
      append(record::annotation_payload{session_, record::annotation_purpose::start,
                                        record::annotation_status::recorded, "a.wav", 240, crypto::sha256("a-sealed"),
                                        std::chrono::seconds(12), true, std::chrono::seconds(9),
                                        record::footage_plaintext{100, crypto::sha256("a")}});
    } else if (word == "annotate") {
      append(record::annotation_payload{session_, record::annotation_purpose::start,
                                        record::annotation_status::recorded, "a.wav", 100, crypto::sha256("a"),
                                        std::chrono::seconds(12), true, std::chrono::seconds(9), std::nullopt});
    } else if (word == "interrupt") {
      append(record::interruption_payload{session_, record::interruption_reason::power_loss,
                                          record::utc_time(std::chrono::milliseconds(utc_ms_ - 500)),
                                          record::utc_time(std::chrono::milliseconds(utc_ms_)), "battery pulled"});
    } else if (word == "recover") {
      append(record::recovery_payload{record::recovery_cause::power_loss, "x.mp4.partial", 900, 3, 12, ""});
    } else if (word == "stop") {
      append(record::session_stop_payload{session_, record::stop_reason::officer_end, "", segment_index_});
    } else if (word == "resume") {  // the session goes on after an automatic stop (the record just before)
      append(record::session_resume_payload{session_, head_.next_seq - 1, "officer-7", record::start_trigger::button,
                                            std::chrono::seconds(120)});
    } else if (word == "action") {
      append(record::action_payload{session_, "inspection", "CASE-2026-0042"});
    } else if (word == "mark") {
      append(record::mark_payload{session_, "suspect handed over keys"});
    } else if (word == "join") {
      append(record::officer_payload{session_, "officer-9", record::officer_change::join});
    } else if (word == "leave") {
      append(record::officer_payload{session_, "officer-9", record::officer_change::leave});
    } else if (word == "place") {  // a 3d fix with the session's segment
      append(record::place_payload{session_, record::place_trigger::segment, record::fix_quality::fix_3d, 481'372'000,
                                   115'755'000, 519'000, true, 4'200,
                                   record::utc_time(std::chrono::milliseconds(utc_ms_)), ""});
    } else if (word == "place_lost") {  // the receiver went away
      append(record::place_payload{session_, record::place_trigger::source_lost, record::fix_quality::none, 0, 0, 0,
                                   false, 0, record::utc_time{}, "gpsd 127.0.0.1:2947: connection refused"});
    } else if (word == "photo" || word == "ephoto") {  // a still taken while recording (ephoto: encrypted)
      append(record::photo_payload{
          session_, "s-photo-b1-300.jpg", word == "photo" ? 84'213u : 84'418u, crypto::sha256(word == "photo" ? "photo" : "photo-sealed"), 1280, 720,
          1, 30, 300, record::utc_time(std::chrono::milliseconds(utc_ms_)),
          word == "photo" ? std::nullopt
                          : std::optional<record::footage_plaintext>(record::footage_plaintext{84'213, crypto::sha256("photo")})});
    } else if (word == "timesync") {
      append(record::timesync_payload{"dock-1", fixed_key(200).public_key(), record::utc_time{},
                                      std::chrono::milliseconds(3), head_.next_seq, head_.last_hash, {}});
    } else if (word == "receipt") {
      append(record::receipt_payload{"dock-1", fixed_key(200).public_key(), head_.next_seq, crypto::sha256("r")});
    } else if (word == "reclaim") {
      append(record::reclaim_payload{head_.next_seq - 1, {{"x.mp4", 1000, crypto::sha256("x")}}});
    } else if (word == "rotate") {
      auto next = fixed_key(next_key_seed_++);
      append(record::key_rotate_payload{next.public_key(), "scheduled"});
      signer_ = crypto::software_signer(std::move(next));
    } else if (word == "rollback_boot") {  // a validly signed boot record with a lower boot counter
      boot_counter_ -= 1;
      monotonic_ms_ = 0;
      append(record::boot_payload{"test-1.0", record::shutdown_kind::clean});
    } else if (word == "clock_back") {  // monotonic time 5 s earlier within the same boot
      monotonic_ms_ -= 5000;
      append(record::config_payload{crypto::sha256("config"), "after clock jump"});
    } else if (word == "config") {
      append(record::config_payload{crypto::sha256("config"), "segment=60s"});
    } else {
      throw std::invalid_argument("chain_scenario: unknown word '" + word + "'");
    }
  }
  return *this;
}

chain::signed_checkpoint chain_scenario::checkpoint() {
  chain::checkpoint c{device_, head_.next_seq, head_.last_hash, record::utc_time(std::chrono::milliseconds(utc_ms_))};
  return chain::sign_checkpoint(c, signer_).value();
}

std::vector<chain::record_input> to_inputs(const std::vector<record::signed_record>& rs) {
  std::vector<chain::record_input> out;
  for (const auto& r : rs)
    out.push_back({"ledger seq " + std::to_string(r.body.seq), r.body.seq, r.bytes});
  return out;
}

std::vector<chain::record_input> chain_scenario::inputs() const { return to_inputs(records_); }

chain::verify_options chain_scenario::options() const { return {device_, first_key_, true, std::nullopt}; }

}  // namespace bodycam::tests
