// The simulation's side of a camera's control socket (firmware/control/README.md): one JSON request line,
// one response line, within a time limit. A refusal by the recorder ({"ok":false,...}) is returned as an
// error carrying the recorder's message, so a simulated officer never mistakes a refused stop for a stop.
#pragma once

#include "common/core/error.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace bodycam::tools::shift {

// Sends `request` (one JSON object) to the Unix socket at `socket_path`; returns the response object when
// "ok" is true. Errors: errc::closed (cannot connect / peer closed), errc::timeout, errc::malformed (the
// response is not JSON), errc::conflict (the recorder refused: its error message is the context).
[[nodiscard]] common::core::expected<nlohmann::json> control_request(const std::string& socket_path,
                                                                     const nlohmann::json& request,
                                                                     std::chrono::milliseconds limit);

// Polls `status` until the socket answers or `limit` passes.
[[nodiscard]] common::core::expected<nlohmann::json> wait_for_control(const std::string& socket_path,
                                                                      std::chrono::milliseconds limit);

// Polls `status` every 200 ms until the recorder's state is `state`; errc::timeout names the state it was
// still in after `limit`.
[[nodiscard]] common::core::expected<nlohmann::json> await_state(const std::string& socket_path, const std::string& state,
                                                                 std::chrono::milliseconds limit);

}  // namespace bodycam::tools::shift
