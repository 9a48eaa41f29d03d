// The JSON API's documents (/api/v1, docs/api.md, docs/api/openapi.yaml) as pure functions of the data the
// pages show: a catalogue row, the session list, the fleet, and the one error shape. Everything goes through
// nlohmann-json, so every string is escaped as JSON requires; times are RFC 3339 UTC.
// Guarantees:
//  J1. Every answer is a JSON object with "format" ("bodycam-api-<what>") and "version" 1, except errors.
//  J2. Every error, whatever the route or status, is {"error": {"status", "code", "message"}}; code is one of
//      api_error_code's stable words, message says which operation on which object failed.
//  J3. The documents match the schemas of docs/api/openapi.yaml (tested against real answers).
#pragma once

#include "console/web/pages.hpp"
#include "console/web/web_message.hpp"
#include "tools/catalogue/session_row.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace bodycam::console::web {

// J2: the status's word: 400 bad_request, 401 unauthenticated, 403 forbidden, 404 not_found,
// 405 method_not_allowed, 500 internal, 503 unavailable, others "error".
[[nodiscard]] std::string_view api_error_code(unsigned status) noexcept;
[[nodiscard]] web_response api_error(unsigned status, const std::string& message);
[[nodiscard]] web_response api_answer(const nlohmann::json& document);

// The API's path of one session: /api/v1/sessions/<device>/<session>.
[[nodiscard]] std::string api_session_href(const std::string& device, const std::string& session);
[[nodiscard]] nlohmann::json session_row_json(const tools::catalogue::session_row& row);
[[nodiscard]] nlohmann::json fleet_json(const std::vector<fleet_row>& cameras, const std::vector<dock_row>& docks);

}  // namespace bodycam::console::web
