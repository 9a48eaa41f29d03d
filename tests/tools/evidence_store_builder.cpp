#include "tests/tools/evidence_store_builder.hpp"

#include <stdexcept>

namespace bodycam::tests {

using namespace bodycam::common;

evidence_camera::evidence_camera(store::store& s, std::string_view id, std::uint8_t key_seed)
    : store_(s), device_(record::device_id::parse(id).value()), signer_(fixed_key(key_seed)), dock_(fixed_key(200)) {
  if (!store_.put_public_key({device_.str(), signer_.public_key()})) throw std::runtime_error("put device key");
  if (!store_.put_public_key({"dock-1", dock_.public_key()})) throw std::runtime_error("put dock key");
}

void evidence_camera::append(record::payload body) {
  monotonic_ms_ += 1000;
  record::record draft;
  draft.device = device_;
  draft.boot_counter = boot_counter_;
  draft.monotonic = std::chrono::milliseconds(monotonic_ms_);
  draft.utc = {utc_, record::utc_source::dock_sync, std::chrono::minutes(30), std::chrono::milliseconds(50)};
  draft.body = std::move(body);
  auto r = chain::append_to_chain(std::move(draft), head_, signer_).value();
  head_ = chain::head_after(r);
  if (!store_.put_record(r)) throw std::runtime_error("put record");
  records_.push_back(std::move(r));
}

crypto::sha256_digest evidence_camera::put_file(const std::string& content) {
  const auto bytes = core::byte_view(reinterpret_cast<const std::uint8_t*>(content.data()), content.size());
  const auto digest = crypto::sha256(bytes);
  if (!store_.put_object(digest, bytes)) throw std::runtime_error("put object");
  return digest;
}

evidence_camera& evidence_camera::boot() {
  ++boot_counter_;
  monotonic_ms_ = 0;
  append(record::boot_payload{"test-1.0", record::shutdown_kind::clean});
  return *this;
}

evidence_camera& evidence_camera::precheck(bool with_warning) {
  std::vector<record::precheck_item> items{{"battery", record::check_status::ok, "92%"}};
  if (with_warning) items.push_back({"clock", record::check_status::warn, "last dock sync 30 h ago"});
  append(record::precheck_payload{
      with_warning ? record::precheck_outcome::passed_with_warnings : record::precheck_outcome::passed,
      std::chrono::minutes(480), items});
  return *this;
}

evidence_camera& evidence_camera::start() {
  session_.bytes.fill(0);
  const auto h = crypto::sha256(device_.str() + "-session-" + std::to_string(++session_count_));
  std::copy_n(h.bytes.begin(), session_.bytes.size(), session_.bytes.begin());
  segment_index_ = 0;
  append(record::session_start_payload{session_, wearer_, record::start_trigger::button, std::chrono::seconds(30)});
  return *this;
}

evidence_camera& evidence_camera::segment(const std::string& content) {
  record::segment_payload s;
  s.session = session_;
  s.index = segment_index_++;
  s.file_name = session_.to_hex() + "-" + std::to_string(s.index) + ".mp4";
  s.byte_length = content.size();
  s.file_sha256 = put_file(content);
  s.fragment_count = 60;
  s.tracks = {{record::track_type::video, 1, 90000, 0, 5'400'000}};
  append(std::move(s));
  return *this;
}

evidence_camera& evidence_camera::encrypted_segment(const std::string& ciphertext,
                                                    const record::footage_plaintext& plaintext) {
  record::segment_payload s;
  s.session = session_;
  s.index = segment_index_++;
  s.file_name = session_.to_hex() + "-" + std::to_string(s.index) + ".mp4";
  s.byte_length = ciphertext.size();
  s.file_sha256 = put_file(ciphertext);
  s.fragment_count = 60;
  s.tracks = {{record::track_type::video, 1, 90000, 0, 5'400'000}};
  s.encrypted = plaintext;
  append(std::move(s));
  return *this;
}

evidence_camera& evidence_camera::annotation(record::annotation_purpose purpose, const std::string& content,
                                             bool speech) {
  record::annotation_payload a{
      session_,
      purpose,
      speech ? record::annotation_status::recorded : record::annotation_status::silent,
      session_.to_hex() + "-" + std::string(record::to_string(purpose)) + "-" + std::to_string(head_.next_seq) + ".wav",
      content.size(),
      put_file(content),
      std::chrono::seconds(12),
      speech,
      std::chrono::seconds(speech ? 9 : 0),
      std::nullopt};
  append(std::move(a));
  return *this;
}

evidence_camera& evidence_camera::missing_annotation(record::annotation_purpose purpose) {
  append(record::annotation_payload{session_,
                                    purpose,
                                    record::annotation_status::missing,
                                    "",
                                    0,
                                    {},
                                    std::chrono::seconds(0),
                                    false,
                                    std::chrono::seconds(0),
                                    std::nullopt});
  return *this;
}

evidence_camera& evidence_camera::interruption(record::interruption_reason reason, std::chrono::seconds length) {
  const auto from = utc_;
  utc_ += length;
  append(record::interruption_payload{session_, reason, from, utc_, "test interruption"});
  return *this;
}

evidence_camera& evidence_camera::stop(record::stop_reason reason) {
  append(record::session_stop_payload{session_, reason, "", segment_index_});
  return *this;
}

evidence_camera& evidence_camera::resume(std::uint64_t stop_seq, std::chrono::milliseconds pre_event) {
  append(record::session_resume_payload{session_, stop_seq, wearer_, record::start_trigger::button, pre_event});
  return *this;
}

evidence_camera& evidence_camera::timesync() {
  append(record::timesync_payload{
      "dock-1", dock_.public_key(), utc_, std::chrono::milliseconds(3), head_.next_seq, head_.last_hash, {}});
  return *this;
}

evidence_camera& evidence_camera::receipt(record::utc_time stored) {
  receipt::receipt r;
  r.issuer = "dock-1";
  r.issuer_key = dock_.public_key();
  r.device = device_;
  r.first_seq = receipted_;
  r.end_seq = head_.next_seq;
  r.head_hash = head_.last_hash;
  r.stored_utc = stored;
  for (const auto& rec : records_) {
    if (rec.body.seq < r.first_seq) continue;
    if (const auto* s = std::get_if<record::segment_payload>(&rec.body.body))
      r.objects.push_back({s->file_sha256, s->byte_length});
    else if (const auto* a = std::get_if<record::annotation_payload>(&rec.body.body);
             a && a->status != record::annotation_status::missing)
      r.objects.push_back({a->file_sha256, a->byte_length});
  }
  auto signed_r = receipt::sign(r, dock_).value();
  if (!store_.put_entry(store::entry_namespace::receipts, receipt::store_name(r), signed_r.document))
    throw std::runtime_error("put receipt");
  receipted_ = head_.next_seq;
  return *this;
}

evidence_camera& evidence_camera::action(const std::string& action, const std::string& case_number) {
  append(record::action_payload{session_, action, case_number});
  return *this;
}

evidence_camera& evidence_camera::mark(const std::string& label) {
  append(record::mark_payload{session_, label});
  return *this;
}

evidence_camera& evidence_camera::officer(const std::string& officer_id, record::officer_change change) {
  append(record::officer_payload{session_, officer_id, change});
  return *this;
}

evidence_camera& evidence_camera::place(record::place_payload p) {
  p.session = session_;
  append(std::move(p));
  return *this;
}

void record_shift(evidence_camera& cam, int segments, std::chrono::minutes delay) {
  using record::annotation_purpose;
  cam.boot().precheck().start().after(std::chrono::seconds(20));
  cam.annotation(annotation_purpose::start, cam.device().str() + " start statement " + std::to_string(cam.next_seq()));
  for (int i = 0; i < segments; ++i)
    cam.after(std::chrono::minutes(1)).segment(cam.device().str() + " segment " + std::to_string(cam.next_seq()));
  cam.after(std::chrono::seconds(5)).stop().after(std::chrono::seconds(15));
  cam.annotation(annotation_purpose::stop, cam.device().str() + " stop statement " + std::to_string(cam.next_seq()));
  cam.receipt(cam.now() + delay);
}

void record_gap_shift(evidence_camera& cam) {
  using record::annotation_purpose;
  cam.boot().precheck(true).start();
  cam.missing_annotation(annotation_purpose::start);
  cam.after(std::chrono::minutes(1)).segment("seg 0");
  cam.interruption(record::interruption_reason::power_loss, std::chrono::seconds(40));
  cam.after(std::chrono::minutes(1)).segment("seg 1");
  cam.interruption(record::interruption_reason::low_battery, std::chrono::seconds(10));
  cam.annotation(annotation_purpose::resume, "resume statement");
  cam.after(std::chrono::minutes(1)).segment("seg 2").stop();
  cam.annotation(annotation_purpose::stop, "silence", false);
  cam.receipt(cam.now() + std::chrono::hours(30));  // docked a day and more later
}

}  // namespace bodycam::tests
