// Every enumerated value a record carries, with its wire code (the enumerator's value, one byte unless noted)
// and its stable name (used in JSON, reports and docs/formats/chain.md). Codes are never reused or renumbered;
// a new value is appended at the end of its list.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace bodycam::common::record {

// Wire: u16. 0 is reserved and never valid.
enum class record_kind : std::uint16_t {
  boot = 1, precheck, session_start, segment, annotation, interruption, recovery, session_stop, timesync,
  receipt, reclaim, key_rotate, config, session_resume, action, mark, officer, place, photo,
};

enum class utc_source : std::uint8_t { unset, rtc_only, dock_sync };
enum class shutdown_kind : std::uint8_t { clean, unclean, first_boot };
enum class precheck_outcome : std::uint8_t { passed, passed_with_warnings, failed };
enum class check_status : std::uint8_t { ok, warn, fail };
enum class start_trigger : std::uint8_t { button, control, automatic };
enum class stop_reason : std::uint8_t {
  officer_end, low_battery, storage_full, fault, shutdown,
  unsuitable_to_record,  // the officer judged the scene unsuitable to record; needs a recorded stop statement
};
enum class close_reason : std::uint8_t { rollover, stop, low_battery, storage_full, fault, power_loss_recovered };
enum class track_type : std::uint8_t { video, audio };
enum class annotation_purpose : std::uint8_t { start, stop, resume };
enum class annotation_status : std::uint8_t { recorded, silent, missing };
enum class interruption_reason : std::uint8_t {
  power_loss, crash, low_battery, storage_full, encoder_fault, disk_fault, back_pressure, other,
  source_gap,      // the camera or microphone skipped frames (device or kernel drops)
  pipeline_fault,  // a capture, encode or write stage failed; detail says which
};
enum class recovery_cause : std::uint8_t { power_loss, crash };
enum class officer_change : std::uint8_t { join, leave };
enum class fix_quality : std::uint8_t { none, fix_2d, fix_3d };
enum class place_trigger : std::uint8_t { session_start, segment, interval, fix_lost, fix_regained, source_lost };

// enum_names<E>::values[code] is the stable name of code; an empty name marks a reserved code.
template <class E>
struct enum_names;

template <>
struct enum_names<record_kind> {
  static constexpr std::array<std::string_view, 20> values{
      "",        "boot",    "precheck", "session_start", "segment", "annotation", "interruption",
      "recovery", "session_stop", "timesync", "receipt", "reclaim", "key_rotate", "config", "session_resume",
      "action",  "mark",    "officer", "place",         "photo"};
};
template <>
struct enum_names<utc_source> {
  static constexpr std::array<std::string_view, 3> values{"unset", "rtc_only", "dock_sync"};
};
template <>
struct enum_names<shutdown_kind> {
  static constexpr std::array<std::string_view, 3> values{"clean", "unclean", "first_boot"};
};
template <>
struct enum_names<precheck_outcome> {
  static constexpr std::array<std::string_view, 3> values{"passed", "passed_with_warnings", "failed"};
};
template <>
struct enum_names<check_status> {
  static constexpr std::array<std::string_view, 3> values{"ok", "warn", "fail"};
};
template <>
struct enum_names<start_trigger> {
  static constexpr std::array<std::string_view, 3> values{"button", "control", "automatic"};
};
template <>
struct enum_names<stop_reason> {
  static constexpr std::array<std::string_view, 6> values{"officer_end", "low_battery", "storage_full", "fault",
                                                          "shutdown",    "unsuitable_to_record"};
};
template <>
struct enum_names<close_reason> {
  static constexpr std::array<std::string_view, 6> values{"rollover",     "stop",  "low_battery",
                                                          "storage_full", "fault", "power_loss_recovered"};
};
template <>
struct enum_names<track_type> {
  static constexpr std::array<std::string_view, 2> values{"video", "audio"};
};
template <>
struct enum_names<annotation_purpose> {
  static constexpr std::array<std::string_view, 3> values{"start", "stop", "resume"};
};
template <>
struct enum_names<annotation_status> {
  static constexpr std::array<std::string_view, 3> values{"recorded", "silent", "missing"};
};
template <>
struct enum_names<interruption_reason> {
  static constexpr std::array<std::string_view, 10> values{
      "power_loss", "crash",         "low_battery", "storage_full", "encoder_fault",
      "disk_fault", "back_pressure", "other",       "source_gap",   "pipeline_fault"};
};
template <>
struct enum_names<recovery_cause> {
  static constexpr std::array<std::string_view, 2> values{"power_loss", "crash"};
};
template <>
struct enum_names<officer_change> {
  static constexpr std::array<std::string_view, 2> values{"join", "leave"};
};
template <>
struct enum_names<fix_quality> {
  static constexpr std::array<std::string_view, 3> values{"none", "2d", "3d"};
};
template <>
struct enum_names<place_trigger> {
  static constexpr std::array<std::string_view, 6> values{"session_start", "segment",      "interval",
                                                          "fix_lost",      "fix_regained", "source_lost"};
};

template <class E>
concept named_enum = requires { enum_names<E>::values; };

// The stable name, or "" for a code that is not a valid value.
template <named_enum E>
[[nodiscard]] constexpr std::string_view to_string(E value) noexcept {
  const auto code = static_cast<std::size_t>(value);
  return code < enum_names<E>::values.size() ? enum_names<E>::values[code] : std::string_view{};
}

template <named_enum E>
[[nodiscard]] constexpr bool is_valid(E value) noexcept {
  return !to_string(value).empty();
}

template <named_enum E>
[[nodiscard]] constexpr std::optional<E> parse_enum(std::string_view name) noexcept {
  for (std::size_t i = 0; i < enum_names<E>::values.size(); ++i)
    if (!name.empty() && enum_names<E>::values[i] == name) return static_cast<E>(i);
  return std::nullopt;
}

}  // namespace bodycam::common::record
