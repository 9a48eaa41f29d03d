// The recorder's place component (recorder_place.hpp).
#include "firmware/recorder/recorder_place.hpp"

namespace bodycam::firmware::recorder {

namespace record = common::record;
namespace core = common::core;

recorder_place::recorder_place(records::chain_writer& writer, place::place_source& source,
                               const place::place_settings& settings, show_function show)
    : writer_(writer), source_(source), show_(std::move(show)), policy_(settings) {}

void recorder_place::attach() {
  writer_.set_append_observer([this](const record::signed_record& r) { on_appended(r); });
}

void recorder_place::on_appended(const record::signed_record& r) {
  const auto kind = r.body.kind();
  if (kind != record::record_kind::session_start && kind != record::record_kind::session_resume &&
      kind != record::record_kind::segment && kind != record::record_kind::session_stop)
    return;  // `place` records too: they come from here
  std::lock_guard lock(mutex_);
  const auto now = place::policy_clock::now();
  const place::place_sample sample = source_.latest();
  write_locked(policy_.observe(now, place::condition_of(sample)), sample);
  if (const auto* start = std::get_if<record::session_start_payload>(&r.body.body)) {
    session_ = start->session;
    write_locked(policy_.session_opened(now), sample);
  } else if (const auto* resume = std::get_if<record::session_resume_payload>(&r.body.body)) {
    session_ = resume->session;
    write_locked(policy_.session_opened(now), sample);
  } else if (const auto* segment = std::get_if<record::segment_payload>(&r.body.body)) {
    if (session_ && segment->session == *session_) write_locked(policy_.segment_closed(now), sample);
  } else if (std::holds_alternative<record::session_stop_payload>(r.body.body)) {
    policy_.session_closed();
    session_.reset();
  }
}

core::status recorder_place::poll() {
  std::lock_guard lock(mutex_);
  const place::place_sample sample = source_.latest();
  write_locked(policy_.observe(place::policy_clock::now(), place::condition_of(sample)), sample);
  show_locked(sample);
  if (!failed_) return {};
  auto failure = std::move(*failed_);
  failed_.reset();
  return std::unexpected(std::move(failure));
}

std::uint64_t recorder_place::records_written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

void recorder_place::write_locked(const std::vector<record::place_trigger>& due, const place::place_sample& sample) {
  if (!session_) return;
  for (const auto trigger : due) {
    auto appended = writer_.append(place::place_record(*session_, trigger, sample));
    if (!appended) {
      failed_ = core::error{appended.error().code,
                            "append place record (" + std::string(record::to_string(trigger)) +
                                "): " + appended.error().context};
      return;
    }
    ++written_;
  }
}

void recorder_place::show_locked(const place::place_sample& sample) {
  if (!show_) return;
  std::string text = place::place_osd_text(sample);
  if (text == shown_) return;  // invariant 3
  shown_ = std::move(text);
  show_(shown_);
}

}  // namespace bodycam::firmware::recorder
