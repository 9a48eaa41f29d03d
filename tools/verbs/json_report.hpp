// How `audit` and `verify` put a report or an error on stdout under --json (docs/formats/json-reports.md):
// every document carries "format" and "version"; an error is a document of its own, "bodycam-error", so a
// program reading stdout always gets one JSON object, and the exit code stays what the verb says it is.
// The same message still goes to stderr for the person at the terminal.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace bodycam::tools::verbs {

inline constexpr std::string_view error_format = "bodycam-error";

// Pretty-printed, invalid UTF-8 replaced, one newline.
void print_json_document(const nlohmann::json& j);

// Prints "bodycam <verb>: <message>" to stderr and, if `json`, {"format": "bodycam-error", "version": 1,
// "verb", "exit_code", "error"} to stdout. Returns exit_code.
[[nodiscard]] int report_error(std::string_view verb, bool json, int exit_code, const std::string& message);

// The path as a clerk typed it made absolute and normal ("/srv/store", not "directory store /srv/store").
[[nodiscard]] std::string absolute_path_text(const std::string& path);

}  // namespace bodycam::tools::verbs
