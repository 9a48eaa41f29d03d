#include "firmware/session/session_roster.hpp"

#include "common/record/session_fields.hpp"

#include <algorithm>

namespace bodycam::firmware::session {

namespace core = common::core;
namespace record = common::record;

std::vector<std::string> default_actions() {
  return {"inspection", "on_site_penalty", "seizure", "enforcement", "inquiry", "other"};
}

session_roster::session_roster(std::vector<std::string> allowed_actions) : allowed_(std::move(allowed_actions)) {}

void session_roster::begin(std::string wearer) {
  wearer_ = std::move(wearer);
  joined_.clear();
  action_.reset();
}

void session_roster::clear() { begin(""); }

core::status session_roster::check_action(std::string_view action, std::string_view case_number) const {
  if (std::find(allowed_.begin(), allowed_.end(), action) == allowed_.end()) {
    std::string names;
    for (const auto& name : allowed_) names += (names.empty() ? "" : ", ") + name;
    std::string shown(action.substr(0, 64));
    std::replace_if(shown.begin(), shown.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, '?');
    return core::fail(core::errc::invalid_argument,
                      "action \"" + shown + "\" is not in this camera's list (" + names + ")");
  }
  return record::check_case_number(case_number);
}

core::status session_roster::check_mark(std::string_view label) const { return record::check_mark_label(label); }

core::status session_roster::check_officer(std::string_view officer_id, record::officer_change change) const {
  if (auto ok = record::check_officer_id(officer_id); !ok) return ok;
  if (!wearer_.empty() && officer_id == wearer_)
    return core::fail(core::errc::conflict, "officer " + std::string(officer_id) +
                                                " wears this camera: present for the whole session, neither joins nor leaves");
  const bool present = std::find(joined_.begin(), joined_.end(), officer_id) != joined_.end();
  if (change == record::officer_change::join && present)
    return core::fail(core::errc::conflict, "officer " + std::string(officer_id) + " already joined this session");
  if (change == record::officer_change::leave && !present)
    return core::fail(core::errc::conflict, "officer " + std::string(officer_id) + " has not joined this session");
  return {};
}

void session_roster::apply_action(std::string action, std::string case_number) {
  action_ = action_in_force{std::move(action), std::move(case_number)};
}

void session_roster::apply_officer(const std::string& officer_id, record::officer_change change) {
  if (change == record::officer_change::join) {
    joined_.push_back(officer_id);
  } else {
    std::erase(joined_, officer_id);
  }
}

void session_roster::replay(const record::payload& body) {
  if (const auto* a = std::get_if<record::action_payload>(&body)) {
    apply_action(a->action, a->case_number);
  } else if (const auto* o = std::get_if<record::officer_payload>(&body)) {
    if (check_officer(o->officer_id, o->change)) apply_officer(o->officer_id, o->change);
  }
}

std::vector<std::string> session_roster::present() const {
  std::vector<std::string> out;
  if (!wearer_.empty()) out.push_back(wearer_);
  out.insert(out.end(), joined_.begin(), joined_.end());
  return out;
}

std::size_t session_roster::officer_count() const noexcept { return joined_.size() + (wearer_.empty() ? 0 : 1); }

}  // namespace bodycam::firmware::session
