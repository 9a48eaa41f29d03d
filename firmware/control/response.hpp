// Response lines of the control protocol. Every request line gets exactly one response line:
//   {"ok":true,"id":7,"cmd":"status","state":"recording","session":"<32 hex>","segment":3,
//    "seconds_recorded":184.2,"free_storage_bytes":51234567168,"last_record_seq":120}
//   {"ok":false,"id":7,"error":{"code":"missing_argument","message":"stop: reason: required, ..."}}
// "id" appears only when the request carried one; absent status values are JSON null, never omitted.
// Invariant: the output is one line of valid UTF-8 JSON without '\n', whatever bytes the request held
// (invalid UTF-8 echoed in a message is replaced with U+FFFD, control characters are escaped by JSON).
#pragma once

#include "firmware/control/command.hpp"
#include "firmware/control/protocol_error.hpp"
#include "firmware/control/recorder_status.hpp"

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace bodycam::firmware::control {

// Fields of a successful response, in order; they follow "ok", "id" and "cmd".
using response_body = nlohmann::ordered_json;

[[nodiscard]] response_body to_json(const recorder_status& status);

[[nodiscard]] std::string format_success(const request_id& id, std::string_view name, const response_body& body);
[[nodiscard]] std::string format_error(const request_id& id, const protocol_error& error);

}  // namespace bodycam::firmware::control
