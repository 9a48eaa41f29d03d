#include "tools/audit/enrollment_check.hpp"

#include "common/receipt/receipt.hpp"
#include "common/record/record_json.hpp"
#include "tools/enrollment/enrollment_store.hpp"
#include "tools/registers/hold_release.hpp"

#include <algorithm>

namespace bodycam::tools::audit {

namespace store = common::store;
namespace core = common::core;
namespace en = enrollment;

namespace {

std::string fp(const crypto::public_key& key) { return key.fingerprint().to_hex().substr(0, 16); }

core::status check_receipts(const store::store& s, const en::authorization_table& table, enrollment_audit& out) {
  auto names = s.list_entries(store::entry_namespace::receipts);
  if (!names) return core::wrap("list receipts for the enrollment check", names.error());
  for (const auto& name : *names) {
    auto bytes = s.get_entry(store::entry_namespace::receipts, name);
    if (!bytes) return core::wrap("read receipts/" + name + " for the enrollment check", bytes.error());
    auto r = common::receipt::parse(*bytes);
    if (!r) continue;  // the device audit reports it malformed
    const auto may = table.may_sign(r->body.issuer_key, en::signature_kind::receipt, r->body.stored_utc);
    if (!may.allowed)
      out.problems.push_back("receipt receipts/" + name + " (issuer " + r->body.issuer + "): " + may.reason);
    else if (may.subject != r->body.issuer)
      out.problems.push_back("receipt receipts/" + name + ": signed by the key enrolled for dock " + may.subject +
                             ", but it names " + r->body.issuer + " as its issuer");
  }
  return {};
}

void check_records(const audit_report& report, const en::authorization_table& table, enrollment_audit& out) {
  for (const auto& d : report.devices) {
    if (!d.key) continue;
    for (const auto& rr : d.chain.records) {
      if (!rr.parsed || rr.parsed->body.device != d.device) continue;
      const auto& r = rr.parsed->body;
      const bool has_time = r.utc.source != record::utc_source::unset;
      // The camera claims "within error_bound of this time": any time in that interval in force will do.
      auto may = table.may_sign(*d.key, en::signature_kind::record, r.utc.time);
      for (const auto t : {r.utc.time - r.utc.error_bound, r.utc.time + r.utc.error_bound})
        if (!may.allowed)
          if (auto edge = table.may_sign(*d.key, en::signature_kind::record, t); edge.allowed) may = edge;
      const bool enrolled_as_this_camera = may.subject == d.device.str();
      if ((has_time && may.allowed && enrolled_as_this_camera) || (!has_time && enrolled_as_this_camera)) continue;
      out.problems.push_back(
          "records/" + d.device.str() + "/" + std::to_string(r.seq) + ": " +
          (may.allowed && !enrolled_as_this_camera
               ? "key " + fp(*d.key) + " is enrolled for camera " + may.subject + ", not " + d.device.str()
               : may.reason));
      break;  // one finding per device: the first record that does not count
    }
  }
}

// N3's exception: the scope of an officer's access entry that is not one of their own sessions, or nullopt.
std::optional<std::string> foreign_scope(const registers::register_entry& e, const std::string& officer,
                                         const audit_report& report) {
  if (e.scopes.empty()) return "no session named";
  for (const auto& sc : e.scopes) {
    const std::string what = "device " + std::string(sc.device.str()) + " session " + sc.session.to_hex();
    const auto dev = std::find_if(report.devices.begin(), report.devices.end(),
                                  [&](const device_audit& d) { return d.device == sc.device; });
    if (dev == report.devices.end()) return what + " is not in the store";
    const auto s = std::find_if(dev->sessions.begin(), dev->sessions.end(),
                                [&](const session_audit& x) { return x.session == sc.session; });
    if (s == dev->sessions.end()) return what + " is not in the store";
    if (!en::is_session_officer(s->officers(), officer))  // authorization_table.hpp A4, the one rule
      return what + " is not a session of officer " + officer;
  }
  return std::nullopt;
}

void check_register(const std::optional<registers::register_book>& book, std::string_view folder,
                    const en::authorization_table& table, const audit_report& report, enrollment_audit& out) {
  if (!book) return;
  for (const auto& clerk : book->clerks)
    for (const auto& e : clerk.entries) {
      const bool release = registers::parse_decision_action(e.body.action).has_value();
      const auto kind =
          release ? en::signature_kind::approval
                  : (folder == "access" ? en::signature_kind::access_entry : en::signature_kind::retention_entry);
      auto may = table.may_sign(e.body.clerk_key, kind, e.body.utc);
      if (!may.allowed && kind == en::signature_kind::access_entry) {
        if (auto officer = table.officer_in_force(e.body.clerk_key, e.body.utc); officer.allowed) {
          if (const auto foreign = foreign_scope(e.body, officer.subject, report)) {
            may.reason = "an officer's access entry may name only the officer's own sessions: " + *foreign;
          } else {
            may = officer;
          }
        }
      }
      const std::string where = std::string(folder) + "/" + registers::entry_name(e.body);
      if (!may.allowed)
        out.problems.push_back(where + " (" + std::string(registers::to_string(e.body.kind)) + " by " + e.body.clerk +
                               "): " + may.reason);
      else if (may.subject != e.body.clerk)
        out.problems.push_back(where + ": signed with the key enrolled for " + may.subject + ", but it names " +
                               e.body.clerk);
    }
}

}  // namespace

core::expected<enrollment_audit> check_enrollment(const store::store& s, const audit_report& report,
                                                  const std::optional<trusted_root>& root) {
  enrollment_audit out;
  auto present = en::has_register(s);
  if (!present) return std::unexpected(present.error());
  auto store_root = en::get_store_root(s);
  if (!store_root) return std::unexpected(store_root.error());
  out.register_present = *present;
  if (!root && !*present && !*store_root) {  // N6
    out.root_used = "none";
    out.notes.push_back("no enrollment register in this store: who may sign what was not checked");
    return out;
  }
  crypto::public_key used;
  if (root) {  // N1
    used = root->key;
    out.root_confirmed = true;
    out.root_used = root->origin + " (fingerprint " + root->key.fingerprint().to_hex() + ")";
    if (*store_root && **store_root != root->key)
      out.problems.push_back("enrollment/root.pub: the store names another root (fingerprint " +
                             (*store_root)->fingerprint().to_hex() + ") than the one the auditor trusts");
    if (!*present) out.problems.push_back("enrollment/: no enrollment register, but the auditor trusts a root");
  } else if (*store_root) {
    used = **store_root;
    out.root_used = "the store's enrollment/root.pub only (fingerprint " + used.fingerprint().to_hex() +
                    "), NOT confirmed: pass --root agency-root.pub to trust it";
    out.notes.push_back(
        "the agency root was taken from the store itself; the result cannot be more than "
        "\"cannot verify\" until the auditor gives the root (--root, BODYCAM_AGENCY_ROOT or "
        "/etc/bodycam/agency-root.pub)");
  } else {
    out.root_used = "none";
    out.problems.push_back(
        "enrollment/root.pub: the store has register entries but no root key, and no --root "
        "was given");
    out.verdict = chain::verdict::not_authentic;
    return out;
  }
  auto reg = en::load_register(s, used);
  if (!reg) return std::unexpected(reg.error());
  out.entry_count = reg->entries.size();
  out.register_findings = reg->findings;                                                      // N2
  if (auto ok = check_receipts(s, reg->table, out); !ok) return std::unexpected(ok.error());  // N3
  check_records(report, reg->table, out);
  check_register(report.access, "access", reg->table, report, out);
  check_register(report.retention, "retention", reg->table, report, out);
  const auto is_supervisor = [&](const registers::signed_entry& e) {
    const auto may = reg->table.may_sign(e.body.clerk_key, en::signature_kind::approval, e.body.utc);
    return may.allowed && may.subject == e.body.clerk;
  };
  if (report.access)  // N5
    out.approval_findings = registers::check_export_approvals(*report.access, is_supervisor).findings;
  if (report.retention) {  // N5, expiry
    for (const auto* rule : {&registers::expiry_rule(), &registers::release_rule()}) {
      auto more = registers::check_approvals(*report.retention, is_supervisor, *rule).findings;
      out.approval_findings.insert(out.approval_findings.end(), more.begin(), more.end());
    }
  }
  const auto cameras = reg->table.grants_of(en::subject_kind::camera);  // N4
  out.fleet = build_fleet(cameras, report, report.generated_utc);
  out.fleet_findings = fleet_findings(out.fleet);
  if (!out.register_findings.empty() || !out.problems.empty())
    out.verdict = chain::verdict::not_authentic;
  else if (!out.root_confirmed)
    out.verdict = chain::verdict::cannot_verify;
  return out;
}

std::string render_enrollment_text(const enrollment_audit& e) {
  std::string t = "\nENROLLMENT (who may sign what)\n";
  t += "  root used: " + e.root_used + "\n";
  if (e.register_present) t += "  register: " + std::to_string(e.entry_count) + " entries in enrollment/\n";
  for (const auto& f : e.register_findings)
    t += "  NOT AUTHENTIC " + f.code + " at " + f.entry + ": " + f.detail + "\n";
  for (const auto& p : e.problems) t += "  NOT AUTHENTIC " + p + "\n";
  for (const auto& f : e.fleet) {
    const std::string age = "(enrolled " + std::to_string(f.enrolled_for.count() / 24) + " days, " +
                            std::to_string(f.enrolled_for.count() % 24) + " hours ago)";
    std::string state;
    switch (f.state) {
      case fleet_state::has_chain: state = "has a chain in the store"; break;
      case fleet_state::enrolled_never_docked: state = "enrolled, never docked " + age; break;
      case fleet_state::overdue: state = "OVERDUE: no footage in the store " + age; break;
      case fleet_state::not_in_force:
        state = f.has_chain ? "has a chain in the store; enrollment no longer in force"
                            : "enrollment no longer in force, no footage in the store";
        break;
    }
    t += "  camera " + f.device + " (enrollment/" + std::to_string(f.entry_seq) + "): " + state + "\n";
  }
  for (const auto& f : e.approval_findings)
    t += std::string(!f.entry.starts_with("retention/") ? "  EXPORT APPROVAL "
                     : f.code.starts_with("release")    ? "  RELEASE APPROVAL "
                                                        : "  EXPIRY APPROVAL ") +
         f.code + " at " + f.entry + ": " + f.detail + "\n";
  for (const auto& n : e.notes) t += "  note: " + n + "\n";
  const std::size_t problems = e.register_findings.size() + e.problems.size();
  switch (e.verdict) {
    case chain::verdict::authentic:
      t += "  Every signature checked was made by a key the register enrolled for it, under the root used.\n";
      break;
    case chain::verdict::authentic_with_gaps:
      t += "  Signers were checked only as far as the notes above say.\n";
      break;
    case chain::verdict::not_authentic:
      t += "  NOT authentic: " + std::to_string(problems) + " problem" + (problems == 1 ? "" : "s") +
           " with the register or with who signed, listed above.\n";
      break;
    case chain::verdict::cannot_verify:
      t += "  Cannot verify who signed: give the agency root you trust (--root FILE or BODYCAM_AGENCY_ROOT); a root "
           "found only in the store is not trusted.\n";
      break;
  }
  t += render_fleet_text(e.fleet);
  return t;
}

nlohmann::json render_enrollment_json(const enrollment_audit& e) {
  nlohmann::json j;
  j["root_used"] = e.root_used;
  j["root_confirmed"] = e.root_confirmed;
  j["register_present"] = e.register_present;
  j["entries"] = e.entry_count;
  j["findings"] = nlohmann::json::array();
  for (const auto& f : e.register_findings)
    j["findings"].push_back({{"entry", f.entry}, {"code", f.code}, {"detail", f.detail}});
  j["problems"] = e.problems;
  j["notes"] = e.notes;
  j["fleet"] = render_fleet_json(e.fleet);
  j["fleet_findings"] = nlohmann::json::array();
  for (const auto& f : e.fleet_findings) j["fleet_findings"].push_back({{"code", "camera_overdue"}, {"detail", f}});
  j["approval_findings"] = nlohmann::json::array();
  for (const auto& f : e.approval_findings)
    j["approval_findings"].push_back({{"entry", f.entry}, {"code", f.code}, {"detail", f.detail}});
  j["verdict"] = std::string(chain::to_string(e.verdict));
  return j;
}

}  // namespace bodycam::tools::audit
