// Fleet completeness (the rule: footage must reach the store within 24 h): one row per camera the enrollment
// register enrolled, built from what the store shows — the enrollment's time and unit, the newest record of its
// chain (its claimed UTC) and the newest receipt for it (its stored time) — and the audit's time (`--now`, or
// the clock). Pure: no I/O; the enrollment check passes it the register's grants and the audit's report.
// States, one per camera:
//   has_chain              the store holds a chain of the camera
//   enrolled_never_docked  no chain, enrolled less than `rule` ago (a listing: nothing is due yet)
//   overdue                no chain, enrolled at least `rule` ago and in force since: a finding (camera_overdue)
//   not_in_force           no chain, its enrollment was revoked or has expired by the audit's time (a listing)
// Guarantees: one row per enrolled camera (its first grant), in register order; a camera with a chain is never
// overdue (the store cannot tell whether it recorded anything since its last docking; late uploads of what it
// did record are the chain audit's `late` findings); overdue rows are exactly the fleet findings.
#pragma once

#include "tools/audit/audit_report.hpp"
#include "tools/enrollment/authorization_table.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bodycam::tools::audit {

enum class fleet_state { has_chain, enrolled_never_docked, overdue, not_in_force };
[[nodiscard]] std::string_view to_string(fleet_state s) noexcept;

struct fleet_camera {
  std::string device;
  std::uint64_t entry_seq = 0;
  std::string unit;
  record::utc_time enrolled_utc{};
  std::chrono::hours enrolled_for{0};  // audit time - enrolled_utc
  std::optional<record::utc_time> newest_record_utc;   // claimed UTC of the chain's newest record
  std::optional<record::utc_time> newest_receipt_utc;  // stored time of the newest receipt for the camera
  bool has_chain = false;
  fleet_state state = fleet_state::enrolled_never_docked;
};

[[nodiscard]] std::vector<fleet_camera> build_fleet(std::span<const enrollment::grant* const> cameras,
                                                    const audit_report& report, record::utc_time now,
                                                    std::chrono::hours rule = std::chrono::hours(24));

// "camera_overdue" lines: "<device>: enrolled <when> (<d> days, <h> hours ago), no footage in the store".
[[nodiscard]] std::vector<std::string> fleet_findings(const std::vector<fleet_camera>& fleet);

[[nodiscard]] std::string render_fleet_text(const std::vector<fleet_camera>& fleet);
[[nodiscard]] nlohmann::json render_fleet_json(const std::vector<fleet_camera>& fleet);
[[nodiscard]] std::string render_fleet_html(const std::vector<fleet_camera>& fleet);

}  // namespace bodycam::tools::audit
