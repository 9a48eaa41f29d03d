// Turns what the media pipeline reports into ledger rows and signed records (DESIGN.md §4):
//   segment opened    → a `partial` file row
//   fragment durable  → a fragment row (offset, length, SHA-256): the ledger never claims bytes not on disk
//   segment sealed    → the signed `segment` record and the file's move to `sealed`, in one transaction
//   source gap, lost packets, storage full, fault, back-pressure → a signed `interruption` record
// Runs on the pipeline's writer thread. A ledger failure cannot be returned to the pipeline; it is kept as
// the sink's fault (the service reports it and refuses new sessions) and logged to stderr. A write that
// failed because the ledger's disk is full (errc::no_space) is not dropped: it and every later write of the
// sink wait, in order, until flush_deferred() gets them in once space is freed, and the fault is cleared with
// the last one. So every segment the pipeline wrote during the full disk still gets its rows and record.
#pragma once

#include "firmware/media/segment_sink.hpp"
#include "firmware/records/chain_writer.hpp"

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace bodycam::firmware::recorder {

class ledger_sink final : public media::segment_sink {
 public:
  explicit ledger_sink(records::chain_writer& writer) : writer_(writer) {}

  void on_segment_opened(const media::segment_opened& info) override;
  void on_fragment_durable(const media::fragment_info& info) override;
  void on_segment_sealed(const media::segment_summary& summary) override;
  void on_pipeline_event(const media::pipeline_event& event) override;

  [[nodiscard]] std::optional<common::core::error> fault() const;
  // Appends the records kept back for lack of space, oldest first, stopping at the first that still fails
  // (its error is returned); once none is left a no_space fault is cleared. Safe while the pipeline runs.
  [[nodiscard]] common::core::status flush_deferred();
  [[nodiscard]] std::size_t deferred_count() const;
  [[nodiscard]] std::uint32_t segments_sealed() const noexcept { return segments_sealed_; }
  // Segments of the current session in the chain: those before a resume plus those sealed since.
  [[nodiscard]] std::uint32_t session_segment_count() const noexcept { return first_index_ + segments_sealed_; }
  // A session begins (or resumes after recovery): segments count from `first_index` in its records. The
  // pipeline's session string may carry a suffix after the 32 hex digits (".r<boot>" on resume, so the
  // files of a resumed session never collide); records and file rows carry the session id alone.
  void begin_session(const common::record::session_id& session, std::uint32_t first_index);

 private:
  void keep_fault(const common::core::error& e);
  // Runs `write` now, or queues it behind writes already waiting for space, or queues it when it fails with
  // no_space (any other failure is the sink's fault). True if it was written or queued. Queued writes keep
  // the order the pipeline reported them in (file row, fragment rows, segment record, …).
  bool write_or_defer(std::function<common::core::status()> write);

  records::chain_writer& writer_;
  std::atomic<std::uint32_t> segments_sealed_{0};
  mutable std::mutex fault_mutex_;
  std::optional<common::core::error> fault_;
  common::record::session_id session_;  // of the last segment opened (guarded by fault_mutex_)
  std::vector<std::function<common::core::status()>> deferred_;  // guarded by fault_mutex_
  // Held by write_or_defer and flush_deferred for their whole run, so a flush on the control thread never
  // lets a write of the pipeline's thread overtake the writes still waiting before it.
  std::mutex write_mutex_;
  std::atomic<std::uint32_t> first_index_{0};
};

// The segment payload of a sealed segment, field for field (pure); `first_index` is added to the
// pipeline's index (a resumed session continues its numbering).
[[nodiscard]] common::core::expected<common::record::segment_payload> segment_payload_of(
    const media::segment_summary& summary, std::uint32_t first_index = 0);

// The session id at the start of a pipeline session string ("<32 hex>[.r<boot>]").
[[nodiscard]] common::core::expected<common::record::session_id> session_of_pipeline(std::string_view text);

}  // namespace bodycam::firmware::recorder
