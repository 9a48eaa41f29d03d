// The rules for what an officer types into a session's `action`, `mark` and `officer` records
// (docs/formats/chain.md §4, invariants 10 and 11): a case number or a mark label is at most 64 bytes with no
// control character, so it prints on one line of a report and on the OSD; an officer id follows the
// device-id rule, so it is safe in file names and reports. Pure; the control socket and the recorder both
// check with these, so a refusal reads the same wherever it happens.
#pragma once

#include "common/core/error.hpp"
#include "common/record/ids.hpp"

#include <string>
#include <string_view>

namespace bodycam::common::record {

inline constexpr std::size_t max_case_number_bytes = 64;
inline constexpr std::size_t max_mark_label_bytes = 64;

// Refuses (errc::invalid_argument) text over `max_bytes` or holding a byte 0x00-0x1f or 0x7f; `what` names
// the field in the message ("case number", "mark label").
[[nodiscard]] inline core::status check_short_text(std::string_view what, std::string_view text,
                                                   std::size_t max_bytes) {
  if (text.size() > max_bytes)
    return core::fail(core::errc::invalid_argument, std::string(what) + " of " + std::to_string(text.size()) +
                                                        " bytes exceeds the limit of " + std::to_string(max_bytes));
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f)
      return core::fail(core::errc::invalid_argument, std::string(what) + " holds a control character (byte " +
                                                          std::to_string(c) + " at offset " + std::to_string(i) + ")");
  }
  return {};
}

[[nodiscard]] inline core::status check_case_number(std::string_view text) {
  return check_short_text("case number", text, max_case_number_bytes);
}

[[nodiscard]] inline core::status check_mark_label(std::string_view text) {
  return check_short_text("mark label", text, max_mark_label_bytes);
}

[[nodiscard]] inline core::status check_officer_id(std::string_view text) {
  if (device_id::parse(text)) return {};
  std::string shown;
  for (char c : text.substr(0, 64)) shown += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  return core::fail(core::errc::invalid_argument, "officer id \"" + shown +
                                                      "\": use 1-64 characters of A-Z a-z 0-9 . _ -, not starting with '.'");
}

}  // namespace bodycam::common::record
