// Fetches a dock's status document (bodycam-dockd's /status.json, served on plain HTTP) for the fleet page:
// one GET with a deadline over the whole exchange. Guarantees: only http://host:port/path URLs; the answer
// must be 200 and at most 4 MiB; anything else, and a dock that does not answer within `timeout`, is an error
// naming the URL and what went wrong (the page shows the dock as unreachable, fleet_view.hpp F1).
#pragma once

#include "common/core/error.hpp"

#include <chrono>
#include <string>

namespace bodycam::console::web {

[[nodiscard]] common::core::expected<std::string> fetch_dock_status(const std::string& url,
                                                                    std::chrono::milliseconds timeout);

}  // namespace bodycam::console::web
