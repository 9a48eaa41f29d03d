#include "common/record/record_json.hpp"

#include "common/record/field_codec.hpp"

#include <cstdio>
#include <ctime>

namespace bodycam::common::record {

namespace {

template <class T>
nlohmann::json json_value(const T& v) {
  if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T>) {
    return v;
  } else if constexpr (std::is_enum_v<T>) {
    return std::string(to_string(v));
  } else if constexpr (std::is_same_v<T, std::string>) {
    return v;
  } else if constexpr (std::is_same_v<T, device_id>) {
    return v.str();
  } else if constexpr (std::is_same_v<T, crypto::sha256_digest> || std::is_same_v<T, crypto::public_key> ||
                       std::is_same_v<T, crypto::signature> || std::is_same_v<T, session_id>) {
    return v.to_hex();
  } else if constexpr (detail::is_duration<T>::value) {
    return static_cast<std::int64_t>(v.count());
  } else if constexpr (std::is_same_v<T, utc_time>) {
    return static_cast<std::int64_t>(v.time_since_epoch().count());
  } else if constexpr (detail::is_vector<T>::value) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : v) out.push_back(json_value(item));
    return out;
  } else {
    nlohmann::json out = nlohmann::json::object();
    T::fields(v, [&](std::string_view name, const auto& field) {
      using field_type = std::remove_cvref_t<decltype(field)>;
      if constexpr (detail::is_optional<field_type>::value) {
        if (field) out[std::string(name)] = json_value(*field);  // absent: no key at all, as on the wire
      } else {
        out[std::string(name)] = json_value(field);
      }
    });
    return out;
  }
}

}  // namespace

nlohmann::json payload_to_json(const payload& p) {
  return std::visit([](const auto& alternative) { return json_value(alternative); }, p);
}

std::string format_utc(utc_time t) {
  const auto ns = t.time_since_epoch().count();
  std::int64_t seconds = ns / 1'000'000'000;
  std::int64_t fraction = ns % 1'000'000'000;
  if (fraction < 0) {
    fraction += 1'000'000'000;
    --seconds;
  }
  const std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(fraction));
  return text;
}

std::string format_utc_seconds(utc_time t) { return format_utc(t).substr(0, 19) + "Z"; }

nlohmann::json to_json(const record& r) {
  return nlohmann::json{
      {"version", r.version},
      {"kind", std::string(to_string(r.kind()))},
      {"device", r.device.str()},
      {"seq", r.seq},
      {"prev_hash", r.prev_hash.to_hex()},
      {"boot_counter", r.boot_counter},
      {"monotonic_ns", static_cast<std::int64_t>(r.monotonic.count())},
      {"utc", format_utc(r.utc.time)},
      {"utc_ns", static_cast<std::int64_t>(r.utc.time.time_since_epoch().count())},
      {"utc_source", std::string(to_string(r.utc.source))},
      {"utc_sync_age_ms", static_cast<std::int64_t>(r.utc.sync_age.count())},
      {"utc_error_bound_ms", static_cast<std::int64_t>(r.utc.error_bound.count())},
      {"payload", payload_to_json(r.body)},
  };
}

}  // namespace bodycam::common::record
