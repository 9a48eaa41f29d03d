#include "tools/retention/hold_scope.hpp"

#include "common/record/record_json.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace bodycam::tools::retention {

namespace core = common::core;

namespace {

bool covers(const hold& h, const media_item& item) {
  if (h.device != item.device) return false;
  if (!h.session.is_none()) return h.session == item.session;
  const bool open_ended = h.to == record::utc_time{};
  return item.recorded_utc >= h.from && (open_ended || item.recorded_utc <= h.to);
}

std::string describe(const hold& h) {
  if (!h.session.is_none()) return "session " + h.session.to_hex() + " of " + h.device.str();
  return h.device.str() + " from " + record::format_utc(h.from) +
         (h.to == record::utc_time{} ? " on" : " to " + record::format_utc(h.to));
}

}  // namespace

core::expected<hold_coverage> check_hold_scope(const hold& wanted, const std::vector<record::device_id>& devices,
                                               const std::vector<known_session>& sessions,
                                               const std::vector<media_item>& items,
                                               const std::vector<hold>& in_force) {
  const std::string what = "hold on " + describe(wanted);
  // Guarantee 1.
  if (std::find(devices.begin(), devices.end(), wanted.device) == devices.end())
    return core::fail(core::errc::not_found,
                      what + ": device " + wanted.device.str() + " has no records in this store");
  // Guarantee 2.
  if (!wanted.session.is_none()) {
    bool on_device = false;
    std::set<std::string> elsewhere;
    for (const auto& s : sessions)
      if (s.session == wanted.session) {
        if (s.device == wanted.device)
          on_device = true;
        else
          elsewhere.insert(s.device.str());
      }
    if (!on_device && !elsewhere.empty())
      return core::fail(core::errc::invalid_argument,
                        what + ": the session belongs to " + *elsewhere.begin() + ", not " + wanted.device.str());
    if (!on_device) return core::fail(core::errc::not_found, what + ": no record of this store names that session");
  } else if (wanted.to != record::utc_time{} && wanted.to < wanted.from) {
    return core::fail(core::errc::invalid_argument, what + ": --to is before --from");
  }
  // Guarantee 4.
  for (const auto& h : in_force)
    if (h.device == wanted.device && h.session == wanted.session && h.from == wanted.from && h.to == wanted.to)
      return core::fail(core::errc::already_exists, what + ": already held by " + h.entry + " (" + h.reason + ")");
  // Guarantees 3 and 5.
  hold_coverage coverage;
  for (const auto& item : items)
    if (covers(wanted, item)) {
      ++coverage.files;
      coverage.bytes += item.byte_length;
    }
  if (coverage.files == 0 && wanted.session.is_none() && wanted.to != record::utc_time{})
    return core::fail(core::errc::not_found, what + ": the store holds no file of " + wanted.device.str() +
                                                 " in that time range; nothing to hold");
  return coverage;
}

core::expected<record::session_id> resolve_session_prefix(std::string_view text,
                                                          const std::vector<known_session>& sessions,
                                                          const std::optional<record::device_id>& device) {
  const std::string what = "--session '" + std::string(text) + "'";
  if (text.empty() || text.size() > 2 * record::session_id::size ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; }))
    return core::fail(core::errc::invalid_argument, what +
                                                        ": use the session id's hex digits (all 32, or a unique "
                                                        "start of it as reports show)");
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::set<record::session_id> found;
  for (const auto& s : sessions)
    if ((!device || s.device == *device) && s.session.to_hex().starts_with(lower)) found.insert(s.session);
  if (found.empty())
    return core::fail(core::errc::not_found,
                      what + ": no session of " + (device ? device->str() : "this store") + " starts with it");
  if (found.size() > 1)
    return core::fail(core::errc::invalid_argument,
                      what + ": " + std::to_string(found.size()) + " sessions start with it; give more digits");
  return *found.begin();
}

}  // namespace bodycam::tools::retention
