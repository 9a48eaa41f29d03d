// The recorder as the control socket sees it: start, stop (with its required reason) and status, on top of
// the media pipeline and the chain. Until session control lands (issue 4: pre-shift checks, statements,
// the full state table), the states are: buffering (idle, pre-event ring filling), recording, fault.
// Invariants:
//  1. Every session in the chain is bracketed: a `session_start` record before its first segment and a
//     `session_stop` record (with its reason) after its last — also when the pipeline fails or the daemon
//     is shut down (reason fault / shutdown).
//  2. No session starts while the ledger or the pipeline is in fault.
// Thread-safety: commands arrive on the control strand; poll() and shutdown() on the main thread; one mutex
// serialises them.
#pragma once

#include "firmware/control/command_handler.hpp"
#include "firmware/media/recording_pipeline.hpp"
#include "firmware/recorder/chain_writer.hpp"
#include "firmware/recorder/ledger_sink.hpp"

#include <filesystem>
#include <mutex>
#include <optional>

namespace bodycam::firmware::recorder {

class recorder_service final : public control::command_handler {
 public:
  recorder_service(chain_writer& writer, ledger_sink& sink, media::recording_pipeline& pipeline,
                   std::string officer_id, std::chrono::milliseconds pre_event, std::filesystem::path recording_dir);

  [[nodiscard]] common::core::expected<control::recorder_status> start(const control::start_command& command) override;
  [[nodiscard]] common::core::expected<control::recorder_status> stop(const control::stop_command& command) override;
  [[nodiscard]] common::core::expected<control::recorder_status> status(const control::status_command& command) override;

  // Closes a session the pipeline ended on its own (fault, source end) with a session_stop record.
  void poll();
  // Ends an open session (reason shutdown) and shuts the pipeline down.
  [[nodiscard]] common::core::status shutdown();
  [[nodiscard]] bool is_faulted() const;

 private:
  [[nodiscard]] control::recorder_status status_locked() const;
  [[nodiscard]] common::core::status close_session_locked(common::record::stop_reason reason, std::string detail);

  chain_writer& writer_;
  ledger_sink& sink_;
  media::recording_pipeline& pipeline_;
  std::string officer_id_;
  std::chrono::milliseconds pre_event_;
  std::filesystem::path recording_dir_;
  std::optional<common::record::session_id> session_;
  std::optional<common::record::session_id> last_session_;
  mutable std::mutex mutex_;
};

[[nodiscard]] media::close_reason close_reason_for(common::record::stop_reason reason) noexcept;

}  // namespace bodycam::firmware::recorder
