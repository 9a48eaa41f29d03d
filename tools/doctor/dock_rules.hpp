// The dock's findings from its facts, pure: the shared rules (config, dock key and its enrollment in the store,
// directories, enrolled cameras, the store and its write-once behaviour), free space in the store against a
// shift of the configured cameras (the recorder's storage rule, firmware/session/precheck), and the host clock
// the dock cosigns camera time with.
#pragma once

#include "tools/doctor/doctor_facts.hpp"
#include "tools/doctor/finding.hpp"

#include <vector>

namespace bodycam::tools::doctor {

[[nodiscard]] std::vector<finding> evaluate_dock(const dock_facts& facts);

}  // namespace bodycam::tools::doctor
