// The fleet page's data (item: every enrolled camera and every dock at a glance), from three sources: the
// audit's fleet table (tools/audit/fleet_table.hpp: enrollment, chain, receipts and the 24 h rule; reused, not
// copied), the audit report (each camera's last session's officer and newest receipt: which dock, when), and
// each dock's /status.json as fetched (its backlog per docked camera and time to the deadline). Pure: the
// handler fetches; this reads and combines.
// Guarantees:
//  F1. A dock whose status could not be fetched or read is a row "unreachable: <why>", never an error of the
//      page; its cameras' backlog is then unknown, not zero.
//  F2. A camera is overdue when the fleet table says so (enrolled 24 h or more, no footage) or when a dock
//      reports its oldest pending footage past the deadline (time to deadline below zero, or alarm overdue).
//  F3. Oldest footage not yet stored = 24 h - the dock's time to deadline for that camera (the dock's queue
//      is due 24 h after recording); unknown when no answering dock has the camera docked.
#pragma once

#include "console/web/pages.hpp"
#include "tools/audit/fleet_table.hpp"

#include "common/core/error.hpp"

#include <optional>
#include <string>
#include <vector>

namespace bodycam::console::web {

struct dock_slot_reading {
  std::string device;
  std::uint64_t pending_records = 0;
  std::uint64_t pending_bytes = 0;
  std::optional<std::chrono::seconds> time_to_deadline;
  std::string alarm;
};

struct dock_reading {
  dock_row row;
  std::vector<dock_slot_reading> slots;
};

// F1: `body` is the fetched document or why it could not be fetched.
[[nodiscard]] dock_reading read_dock_status(const std::string& url, const common::core::expected<std::string>& body);

[[nodiscard]] std::vector<fleet_row> build_fleet_rows(const std::vector<tools::audit::fleet_camera>& fleet,
                                                      const tools::audit::audit_report& report,
                                                      const std::vector<dock_reading>& docks, utc_time now);

}  // namespace bodycam::console::web
