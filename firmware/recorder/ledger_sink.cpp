#include "firmware/recorder/ledger_sink.hpp"

#include <cstdio>

namespace bodycam::firmware::recorder {

using namespace bodycam::common;

namespace {

record::close_reason to_record(media::close_reason reason) {
  // The two enums list the same reasons in the same order (DESIGN.md §3); checked below.
  return static_cast<record::close_reason>(static_cast<std::uint8_t>(reason));
}
static_assert(static_cast<int>(media::close_reason::power_loss_recovered) ==
              static_cast<int>(record::close_reason::power_loss_recovered));

record::interruption_reason interruption_of(media::pipeline_event_kind kind) {
  switch (kind) {
    case media::pipeline_event_kind::back_pressure: return record::interruption_reason::back_pressure;
    case media::pipeline_event_kind::source_gap: return record::interruption_reason::source_gap;
    case media::pipeline_event_kind::storage_full: return record::interruption_reason::storage_full;
    case media::pipeline_event_kind::packets_lost: return record::interruption_reason::disk_fault;
    case media::pipeline_event_kind::fault: return record::interruption_reason::pipeline_fault;
    default: return record::interruption_reason::other;
  }
}

}  // namespace

core::expected<record::session_id> session_of_pipeline(std::string_view text) {
  constexpr std::size_t hex_digits = record::session_id::size * 2;
  if (text.size() > hex_digits && text[hex_digits] != '.')
    return core::fail(core::errc::malformed, "session " + std::string(text) + ": not <32 hex>[.suffix]");
  return record::session_id::parse(text.substr(0, hex_digits));
}

void ledger_sink::begin_session(const record::session_id& session, std::uint32_t first_index) {
  segments_sealed_ = 0;
  first_index_ = first_index;
  std::lock_guard lock(fault_mutex_);
  session_ = session;
}

core::expected<record::segment_payload> segment_payload_of(const media::segment_summary& summary,
                                                           std::uint32_t first_index) {
  record::segment_payload p;
  auto session = session_of_pipeline(summary.session_id);
  if (!session) return core::wrap("segment " + summary.file_name, session.error());
  p.session = *session;
  p.index = summary.index + first_index;
  p.file_name = summary.file_name;
  p.byte_length = summary.byte_length;
  p.file_sha256 = summary.file_sha256;
  p.init_sha256 = summary.init_sha256;
  p.fragment_count = summary.fragment_count;
  p.fragment_root = summary.fragment_root;
  for (const auto& t : summary.tracks)
    p.tracks.push_back({t.track == media::track_kind::video ? record::track_type::video : record::track_type::audio,
                        static_cast<std::uint32_t>(t.base.num), static_cast<std::uint32_t>(t.base.den), t.first_pts,
                        t.last_pts});
  p.closed_by = to_record(summary.reason);
  p.unsigned_tail_bytes = summary.unsigned_tail_bytes;
  if (summary.plaintext) p.encrypted = record::footage_plaintext{summary.plaintext->byte_length, summary.plaintext->sha256};
  return p;
}

void ledger_sink::keep_fault(const core::error& e) {
  std::fprintf(stderr, "bodycam-recorder: ledger: %s\n", e.context.c_str());
  std::lock_guard lock(fault_mutex_);
  if (!fault_) fault_ = e;
}

std::optional<core::error> ledger_sink::fault() const {
  std::lock_guard lock(fault_mutex_);
  return fault_;
}

bool ledger_sink::write_or_defer(std::function<core::status()> write) {
  std::lock_guard order(write_mutex_);
  {
    std::lock_guard lock(fault_mutex_);
    if (!deferred_.empty()) {
      deferred_.push_back(std::move(write));
      return true;
    }
  }
  auto ok = write();
  if (ok) return true;
  keep_fault(ok.error());
  if (ok.error().code != core::errc::no_space) return false;
  std::lock_guard lock(fault_mutex_);
  deferred_.push_back(std::move(write));
  return true;
}

std::size_t ledger_sink::deferred_count() const {
  std::lock_guard lock(fault_mutex_);
  return deferred_.size();
}

core::status ledger_sink::flush_deferred() {
  std::lock_guard order(write_mutex_);
  std::vector<std::function<core::status()>> waiting;
  {
    std::lock_guard lock(fault_mutex_);
    waiting.swap(deferred_);
  }
  std::size_t done = 0;
  core::status result;
  for (; done < waiting.size(); ++done) {
    result = waiting[done]();
    if (!result) break;
  }
  std::lock_guard lock(fault_mutex_);
  deferred_.insert(deferred_.begin(), std::make_move_iterator(waiting.begin() + static_cast<std::ptrdiff_t>(done)),
                   std::make_move_iterator(waiting.end()));
  if (!result) return core::wrap("append deferred record", result.error());
  if (deferred_.empty() && fault_ && fault_->code == core::errc::no_space) fault_.reset();
  return {};
}

void ledger_sink::on_segment_opened(const media::segment_opened& info) {
  auto session = session_of_pipeline(info.session_id);
  if (session) {
    std::lock_guard lock(fault_mutex_);
    session_ = *session;
  }
  const std::string session_hex = session ? session->to_hex() : info.session_id;
  (void)write_or_defer([this, file = ledger::new_file{info.file_name, ledger::file_kind::segment, session_hex}] {
    return writer_.with_ledger([&](ledger::ledger& l) { return l.add_file(file); });
  });
}

void ledger_sink::on_fragment_durable(const media::fragment_info& info) {
  (void)write_or_defer([this, row = ledger::fragment_entry{info.file_name, info.index, info.offset, info.length,
                                                          info.sha256}] {
    return writer_.with_ledger([&](ledger::ledger& l) { return l.add_fragment(row); });
  });
}

void ledger_sink::on_segment_sealed(const media::segment_summary& summary) {
  auto payload = segment_payload_of(summary, first_index_);
  if (!payload) return keep_fault(payload.error());
  auto append = [this, payload = *payload, name = summary.file_name, length = summary.byte_length,
                 digest = summary.file_sha256]() -> core::status {
    auto appended = writer_.append(payload, [&](ledger::transaction& tx, std::uint64_t seq) {
      return tx.set_file_state(name, {ledger::file_state::sealed, seq, ledger::file_seal{length, digest}});
    });
    if (!appended) return std::unexpected(appended.error());
    return {};
  };
  // A segment deferred for lack of space is counted now: its record is the next the session gets.
  if (write_or_defer(std::move(append))) ++segments_sealed_;
}

void ledger_sink::on_pipeline_event(const media::pipeline_event& event) {
  std::fprintf(stderr, "bodycam-recorder: pipeline %s at %s (count %llu)%s%s\n",
               std::string(media::to_string(event.kind)).c_str(), event.where.c_str(),
               static_cast<unsigned long long>(event.count), event.error ? ": " : "",
               event.error ? event.error->context.c_str() : "");
  if (event.kind == media::pipeline_event_kind::timestamp_fixup ||
      event.kind == media::pipeline_event_kind::source_ended)
    return;  // not an interruption of the footage: logged only
  const auto now = writer_.clock().utc().time;
  record::interruption_payload p;
  {
    std::lock_guard lock(fault_mutex_);
    p.session = session_;
  }
  p.reason = interruption_of(event.kind);
  p.from = event.kind == media::pipeline_event_kind::back_pressure
               ? now - std::chrono::duration_cast<record::nanoseconds>(event.waited)
               : now;
  p.to = now;
  p.detail = std::string(media::to_string(event.kind)) + " at " + event.where + ": count " +
             std::to_string(event.count) + ", waited " + std::to_string(event.waited.count()) + " us" +
             (event.error ? ", " + event.error->context : "");
  auto append = [this, p = std::move(p)]() -> core::status {
    auto appended = writer_.append(p);
    if (!appended) return std::unexpected(appended.error());
    return {};
  };
  (void)write_or_defer(std::move(append));
}

}  // namespace bodycam::firmware::recorder
