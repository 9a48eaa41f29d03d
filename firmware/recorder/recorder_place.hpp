// Puts the camera's position into the session's records and onto the OSD: watches every record the chain
// writer commits (session_start, session_resume, segment, session_stop), asks firmware/place's policy what
// is due, and appends `place` records through the same chain writer. The receiver is read only through the
// place_source port, whose latest sample never waits for gpsd.
// Invariants:
//  1. A session's `place` records lie between its session_start (or session_resume) and its session_stop:
//     the start and segment records are written on the thread that appended the session's record, right
//     after it; interval and transition records come from poll(), which runs on the thread that stops
//     sessions (the daemon's io thread).
//  2. Recording never waits for a fix and never stops for a place failure: a failed append is kept and
//     reported by the next poll(), and nothing else changes.
//  3. The OSD line changes only when its text changes.
#pragma once

#include "firmware/place/place_policy.hpp"
#include "firmware/place/place_source.hpp"
#include "firmware/records/chain_writer.hpp"

#include <functional>
#include <mutex>
#include <optional>

namespace bodycam::firmware::recorder {

class recorder_place {
 public:
  using show_function = std::function<void(const std::string& osd_text)>;

  recorder_place(records::chain_writer& writer, place::place_source& source, const place::place_settings& settings,
                 show_function show = {});

  // Installs on_appended as the writer's append observer.
  void attach();
  // The writer's observer: reacts to the session's own records; ignores `place` records.
  void on_appended(const common::record::signed_record& r);
  // The receiver's condition now: transitions and intervals; the OSD line. Returns a failure kept since the
  // last call (invariant 2).
  [[nodiscard]] common::core::status poll();

  [[nodiscard]] std::uint64_t records_written() const;

 private:
  void write_locked(const std::vector<common::record::place_trigger>& due, const place::place_sample& sample);
  void show_locked(const place::place_sample& sample);

  records::chain_writer& writer_;
  place::place_source& source_;
  show_function show_;
  mutable std::mutex mutex_;
  place::place_policy policy_;
  std::optional<common::record::session_id> session_;
  std::optional<common::core::error> failed_;
  std::string shown_;
  std::uint64_t written_ = 0;
};

}  // namespace bodycam::firmware::recorder
