#include "tools/verbs/store_sessions.hpp"

#include <set>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

core::expected<std::vector<retention::known_session>> store_sessions(const store::store& s) {
  std::vector<retention::known_session> out;
  std::set<std::pair<std::string, record::session_id>> seen;
  auto walked = s.for_each_record([&](const record::device_id& device, std::uint64_t,
                                      core::byte_view bytes) -> core::status {
    auto r = record::parse_signed_record(bytes);
    if (!r) return {};  // the audit and verify report such records; here they name no session
    record::session_id session;
    if (const auto* st = std::get_if<record::session_start_payload>(&r->body.body))
      session = st->session;
    else if (const auto* sg = std::get_if<record::segment_payload>(&r->body.body))
      session = sg->session;
    else
      return {};
    if (seen.insert({device.str(), session}).second) out.push_back({device, session});
    return {};
  });
  if (!walked) return std::unexpected(walked.error());
  return out;
}

core::expected<record::session_id> session_of_store(const store::store& s, std::string_view text) {
  if (text.size() == 2 * record::session_id::size) {
    auto id = record::session_id::parse(text);
    if (!id) return core::wrap("--session '" + std::string(text) + "'", id.error());
    return id;
  }
  auto sessions = store_sessions(s);
  if (!sessions) return core::wrap("list the sessions of the store", sessions.error());
  return retention::resolve_session_prefix(text, *sessions, std::nullopt);
}

}  // namespace bodycam::tools::verbs
