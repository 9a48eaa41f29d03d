// Whose footage and the access entry first (footage_access.hpp).
#include "console/web/footage_access.hpp"
#include "console/web/store_analysis.hpp"

#include <algorithm>

namespace bodycam::console::web {

namespace core = common::core;
namespace record = common::record;
namespace audit = tools::audit;
namespace registers = tools::registers;

namespace {

constexpr std::string_view default_reference = "console view";

}  // namespace

access::ownership owner_of(const audit::session_audit& s, const signed_in& who) {
  return session_ownership(s, who.person);
}

core::expected<registers::signed_entry> append_access(common::store::store& s, const signed_in& who,
                                                      registers::register_entry draft) {
  return registers::append_entry(s, common::store::entry_namespace::access, who.person, std::move(draft), *who.signer);
}

registers::register_entry access_draft(const signed_in& who, std::string action, std::string reference,
                                       const record::device_id& device, const audit::session_audit& session,
                                       record::utc_time now) {
  registers::register_entry e;
  e.kind = registers::entry_kind::access;
  e.utc = now;
  e.department = who.unit.empty() ? std::string("console") : who.unit;
  e.reference = reference.empty() ? std::string(default_reference) : std::move(reference);
  e.action = std::move(action);
  registers::scope sc;
  sc.device = device;
  sc.session = session.session;
  sc.first_seq = session.first_seq;
  sc.end_seq = session.last_seq + 1;
  e.scopes.push_back(sc);
  return e;
}

}  // namespace bodycam::console::web
