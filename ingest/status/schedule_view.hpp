// Fills the deadline part of a dock_status from the scheduler's assessment, so the daemon does not repeat the
// arithmetic: the dock's alarm, the pending totals, the smallest slack, the oldest pending recording, the
// projected drain time, the per-state device counts and, for every slot whose device is known, its pending
// bytes/records, time to deadline, slack and alarm. Pure.
// Guarantees: a slot whose device has nothing pending gets zero pending, no deadline, no slack and `ok`;
// fields this function does not name (stored totals, battery, activity, progress) are left as they were.
#pragma once

#include "ingest/schedule/deadline_schedule.hpp"
#include "ingest/status/dock_status.hpp"

namespace bodycam::ingest::status {

void apply_schedule(dock_status& status, const schedule::schedule_assessment& assessment);

}  // namespace bodycam::ingest::status
