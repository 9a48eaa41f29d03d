// Turns what the media pipeline reports into ledger rows and signed records (DESIGN.md §4):
//   segment opened    → a `partial` file row
//   fragment durable  → a fragment row (offset, length, SHA-256): the ledger never claims bytes not on disk
//   segment sealed    → the signed `segment` record and the file's move to `sealed`, in one transaction
//   source gap, lost packets, storage full, fault, back-pressure → a signed `interruption` record
// Runs on the pipeline's writer thread. A ledger failure cannot be returned to the pipeline; it is kept as
// the sink's fault (the service reports it and refuses new sessions) and logged to stderr.
#pragma once

#include "firmware/media/segment_sink.hpp"
#include "firmware/recorder/chain_writer.hpp"

#include <atomic>
#include <mutex>
#include <optional>

namespace bodycam::firmware::recorder {

class ledger_sink final : public media::segment_sink {
 public:
  explicit ledger_sink(chain_writer& writer) : writer_(writer) {}

  void on_segment_opened(const media::segment_opened& info) override;
  void on_fragment_durable(const media::fragment_info& info) override;
  void on_segment_sealed(const media::segment_summary& summary) override;
  void on_pipeline_event(const media::pipeline_event& event) override;

  [[nodiscard]] std::optional<common::core::error> fault() const;
  [[nodiscard]] std::uint32_t segments_sealed() const noexcept { return segments_sealed_; }
  void reset_session_counters() noexcept { segments_sealed_ = 0; }

 private:
  void keep_fault(const common::core::error& e);

  chain_writer& writer_;
  std::atomic<std::uint32_t> segments_sealed_{0};
  mutable std::mutex fault_mutex_;
  std::optional<common::core::error> fault_;
  common::record::session_id session_;  // of the last segment opened (guarded by fault_mutex_)
};

// The segment payload of a sealed segment, field for field (pure).
[[nodiscard]] common::core::expected<common::record::segment_payload> segment_payload_of(
    const media::segment_summary& summary);

}  // namespace bodycam::firmware::recorder
