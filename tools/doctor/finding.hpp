// One result of `bodycam doctor`: what was checked, how bad it is, what was found in plain words, where, and
// the fix a technician can apply. The exit code is the worst severity: 0 all ok, 1 warnings, 2 problems.
// Guarantees: every finding that is not ok carries a non-empty fix; findings keep the order the rules made them.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bodycam::tools::doctor {

// ok: checked and fine. warning: works, but something will go wrong later or evidence is weaker.
// problem: the daemon will refuse to start, lose or be unable to prove footage, or trust the wrong peer.
enum class severity { ok = 0, warning = 1, problem = 2 };
[[nodiscard]] std::string_view to_string(severity level) noexcept;  // "ok", "warning", "problem"

struct finding {
  severity level = severity::ok;
  std::string check;  // stable id: config, key_file, key_enrollment, paths, battery, storage, clock, ...
  std::string what;   // the plain-words finding: "device key /var/lib/bodycam/device.key has mode 0640"
  std::string where;  // the file, directory or device it is about ("" if none)
  std::string fix;    // what to do about it; "" only when level is ok
};

// 0 when every finding is ok (or there are none), 1 with warnings only, 2 with any problem.
[[nodiscard]] int exit_code_of(std::span<const finding> findings) noexcept;
[[nodiscard]] severity worst_of(std::span<const finding> findings) noexcept;

}  // namespace bodycam::tools::doctor
