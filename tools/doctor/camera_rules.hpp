// The camera's findings from its facts, pure: the shared rules (config, device key and its enrollment,
// directories, trusted docks) plus the recorder's own pre-shift rules (firmware/session/precheck: battery,
// storage against the planned shift, clock, camera and microphone nodes, chain head), applied unchanged so the
// doctor never disagrees with the recorder about whether a shift can start.
#pragma once

#include "tools/doctor/doctor_facts.hpp"
#include "tools/doctor/finding.hpp"

#include <vector>

namespace bodycam::tools::doctor {

[[nodiscard]] std::vector<finding> evaluate_camera(const camera_facts& facts);

}  // namespace bodycam::tools::doctor
