#include "firmware/control/response.hpp"

namespace bodycam::firmware::control {

namespace {

void put_id(response_body& out, const request_id& id) {
  if (const auto* number = std::get_if<std::int64_t>(&id)) out["id"] = *number;
  if (const auto* text = std::get_if<std::string>(&id)) out["id"] = *text;
}

std::string dump_line(const response_body& out) {
  // Compact (no newlines), and never throwing on invalid UTF-8.
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

response_body to_json(const recorder_status& status) {
  response_body out;
  out["state"] = status.state;
  out["session"] = status.session ? response_body(status.session->to_hex()) : response_body(nullptr);
  out["segment"] = status.segment ? response_body(*status.segment) : response_body(nullptr);
  out["seconds_recorded"] = static_cast<double>(status.recorded.count()) / 1000.0;
  out["free_storage_bytes"] = status.free_storage_bytes;
  out["last_record_seq"] = status.last_record_seq ? response_body(*status.last_record_seq) : response_body(nullptr);
  out["precheck"] = status.precheck.empty() ? response_body(nullptr) : response_body(status.precheck);
  out["note"] = status.note.empty() ? response_body(nullptr) : response_body(status.note);
  if (status.officers) {
    out["action"] = status.action.empty() ? response_body(nullptr) : response_body(status.action);
    out["case"] = status.case_number.empty() ? response_body(nullptr) : response_body(status.case_number);
    out["officers"] = *status.officers;
    out["officer_ids"] = status.officer_ids;
    out["osd"] = status.osd_line;
  }
  return out;
}

std::string format_success(const request_id& id, std::string_view name, const response_body& body) {
  response_body out;
  out["ok"] = true;
  put_id(out, id);
  out["cmd"] = name;
  if (body.is_object())
    for (const auto& [key, value] : body.items())
      if (key != "ok" && key != "id" && key != "cmd" && key != "error") out[key] = value;
  return dump_line(out);
}

std::string format_error(const request_id& id, const protocol_error& error) {
  response_body out;
  out["ok"] = false;
  put_id(out, id);
  out["error"] = {{"code", error.code}, {"message", error.message}};
  return dump_line(out);
}

}  // namespace bodycam::firmware::control
