// The recorder when the ledger's own disk is full (recorder_service.hpp invariant 9). An append that fails
// with errc::no_space (SQLITE_FULL, or ENOSPC from the file-system port) is storage full, not a ledger fault:
// an open session stops automatically with `storage_full` through the table's row, and the records that stop
// needs (the sealed segment's, the `interruption`, the `session_stop`) are kept in order, in memory, until an
// append gets through again: at every poll (at most once a second), at a start and at shutdown. Only once the
// `session_stop` is in the ledger does the stop become resumable, so the session_resume always names a stop
// the chain holds, and the chain shows exactly one explained gap. A start is refused while records wait.
#include "firmware/recorder/recorder_service.hpp"

#include <cstdio>

namespace bodycam::firmware::recorder {

using namespace bodycam::common;
using session::session_event;

namespace {
constexpr std::chrono::seconds flush_interval{1};
}  // namespace

bool recorder_service::has_deferred_locked() const { return !deferred_.empty() || sink_.deferred_count() > 0; }

void recorder_service::note_appended_locked(const record::signed_record& appended) {
  const auto* stop = std::get_if<record::session_stop_payload>(&appended.body.body);
  if (stop == nullptr || !session::is_automatic_stop(stop->reason)) return;
  // Invariant 5: an automatic stop is what a start within the window resumes.
  resumable_ = session::resumable_stop{stop->session, appended.body.seq, stop->reason, appended.body.utc.time,
                                       stop->segment_count};
}

core::status recorder_service::flush_deferred_locked() {
  // The sink's records (segments sealed, pipeline interruptions) came first: they go in first.
  if (auto ok = sink_.flush_deferred(); !ok) return ok;
  const std::size_t waiting = deferred_.size();
  while (!deferred_.empty()) {
    auto appended = writer_.append(deferred_.front().first, deferred_.front().second);
    if (!appended)
      return core::wrap("append deferred " + std::string(record::to_string(record::kind_of(deferred_.front().first))),
                        appended.error());
    note_appended_locked(*appended);
    deferred_.erase(deferred_.begin());
  }
  if (waiting > 0) {
    note_ = "ledger space freed: " + std::to_string(waiting) + " deferred record(s) written";
    std::fprintf(stderr, "bodycam-recorder: %s\n", note_.c_str());
  }
  return {};
}

core::status recorder_service::append_or_defer_locked(record::payload body,
                                                      records::chain_writer::rows_with_record rows) {
  if (has_deferred_locked()) {
    if (auto flushed = flush_deferred_locked(); !flushed) {
      if (flushed.error().code != core::errc::no_space) return flushed;
      deferred_.emplace_back(std::move(body), std::move(rows));
      return {};
    }
  }
  auto appended = writer_.append(body, rows);
  if (appended) {
    note_appended_locked(*appended);
    return {};
  }
  if (appended.error().code != core::errc::no_space) return std::unexpected(appended.error());
  std::fprintf(stderr, "bodycam-recorder: ledger full, %s kept until space is freed: %s\n",
               std::string(record::to_string(record::kind_of(body))).c_str(), appended.error().context.c_str());
  deferred_.emplace_back(std::move(body), std::move(rows));
  return {};
}

void recorder_service::retry_deferred_locked() {
  if (!has_deferred_locked() && !(sink_.fault() && sink_.fault()->code == core::errc::no_space)) return;
  if (session::has_open_session(state_)) return;  // the open session's stop flushes first
  const auto now = std::chrono::steady_clock::now();
  if (now < next_flush_) return;
  next_flush_ = now + flush_interval;
  if (auto ok = flush_deferred_locked(); !ok && ok.error().code != core::errc::no_space)
    ledger_failed_locked(ok.error());
}

bool recorder_service::ledger_full_locked(const core::error& e) {
  if (e.code != core::errc::no_space) return false;
  const std::string detail = "ledger storage full: " + e.context;
  if (session::has_open_session(state_) && session::next_transition(state_, session_event::storage_full)) {
    (void)raise_stop_locked(session_event::storage_full, record::stop_reason::storage_full,
                            record::interruption_reason::storage_full, detail);
    return true;
  }
  note_ = detail;
  alarm(note_);
  return true;
}

}  // namespace bodycam::firmware::recorder
