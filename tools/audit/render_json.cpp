#include "common/chain/report_json.hpp"
#include "common/record/place_text.hpp"
#include "common/record/record_json.hpp"
#include "tools/audit/render.hpp"
#include "tools/audit/store_findings.hpp"
#include "tools/registers/access_outcome.hpp"

#include <map>

namespace bodycam::tools::audit {

using common::record::format_utc;
using nlohmann::json;

namespace {

json object_json(const object_audit& o) {
  json j{{"seq", o.seq},
         {"file_name", o.file_name},
         {"sha256", o.sha256.to_hex()},
         {"byte_length", o.byte_length},
         {"state", std::string(to_string(o.state))},
         {"recorded_utc", format_utc(o.recorded_utc)},
         {"late", o.late}};
  if (!o.detail.empty()) j["detail"] = o.detail;
  if (o.stored_utc) j["stored_utc"] = format_utc(*o.stored_utc);
  if (o.upload_delay) j["upload_delay_s"] = std::chrono::duration<double>(*o.upload_delay).count();
  return j;
}

json gap_json(const gap_audit& g) {
  return {{"seq", g.seq},
          {"reason", std::string(common::record::to_string(g.reason))},
          {"from_utc", format_utc(g.from)},
          {"to_utc", format_utc(g.to)},
          {"detail", g.detail},
          {"resume_statement", g.resume_statement},
          {"statement", std::string(to_string(g.statement))}};
}

// Outcome entries (tools/registers/access_outcome.hpp) are shown on the access entry they conclude
// ("outcome": "completed" | "failed: <reason>" | "unknown" when none was stored), not as entries of their own.
json register_json(const registers::register_book& book) {
  std::map<std::string, std::string> outcomes;  // "<clerk>.<seq>" -> outcome
  for (const auto& c : book.clerks)
    for (const auto& e : c.entries)
      if (auto o = registers::parse_outcome_action(e.body.action))
        outcomes[o->concludes] = o->completed ? "completed" : "failed: " + o->reason;
  json entries = json::array();
  for (const auto& c : book.clerks)
    for (const auto& e : c.entries) {
      if (registers::parse_outcome_action(e.body.action)) continue;
      json scopes = json::array();
      for (const auto& s : e.body.scopes) {
        json sj{{"device", s.device.str()}};
        if (!s.session.is_none()) sj["session"] = s.session.to_hex();
        // An open end (a hold until released) has no to_utc; an open start no from_utc.
        if (s.from != common::record::utc_time{}) sj["from_utc"] = format_utc(s.from);
        if (s.to != common::record::utc_time{}) sj["to_utc"] = format_utc(s.to);
        if (s.has_seq_range()) {
          sj["first_seq"] = s.first_seq;
          sj["end_seq"] = s.end_seq;
        }
        scopes.push_back(std::move(sj));
      }
      entries.push_back({{"name", registers::entry_name(e.body)},
                         {"kind", std::string(registers::to_string(e.body.kind))},
                         {"clerk", e.body.clerk},
                         {"clerk_fingerprint", e.body.clerk_key.fingerprint().to_hex()},
                         {"utc", format_utc(e.body.utc)},
                         {"department", e.body.department},
                         {"reference", e.body.reference},
                         {"action", e.body.action},
                         {"scopes", scopes},
                         {"objects", e.body.objects.size()}});
      const bool retrieval =
          e.body.action == "playback_copy" || e.body.action == "viewing_copy" || e.body.action == "export";
      if (e.body.kind == registers::entry_kind::access && retrieval) {
        const auto o = outcomes.find(registers::entry_name(e.body));
        entries.back()["outcome"] = o == outcomes.end() ? "unknown" : o->second;
      }
    }
  json findings = json::array();
  for (const auto& f : book.findings) findings.push_back({{"entry", f.entry}, {"code", f.code}, {"detail", f.detail}});
  return {{"intact", book.is_intact()}, {"entries", entries}, {"findings", findings}};
}

}  // namespace

json session_json(const session_audit& s) {
  json segments = json::array();
  for (const auto& o : s.segments) segments.push_back(object_json(o));
  json statements = json::array();
  for (const auto& st : s.statements)
    statements.push_back({{"seq", st.seq},
                          {"purpose", std::string(common::record::to_string(st.purpose))},
                          {"status", std::string(common::record::to_string(st.status))},
                          {"speech_present", st.speech_present},
                          {"speech_ms", st.speech.count()},
                          {"file", object_json(st.file)}});
  json gaps = json::array();
  for (const auto& g : s.gaps) gaps.push_back(gap_json(g));
  json photos = json::array();
  for (const auto& o : s.photos) photos.push_back(object_json(o));
  json actions = json::array();
  for (const auto& a : s.actions)
    actions.push_back({{"seq", a.seq}, {"utc", format_utc(a.utc)}, {"action", a.action},
                       {"case_number", a.case_number.empty() ? json(nullptr) : json(a.case_number)}});
  json marks = json::array();
  for (const auto& m : s.marks)
    marks.push_back({{"seq", m.seq}, {"utc", format_utc(m.utc)},
                     {"label", m.label.empty() ? json(nullptr) : json(m.label)}});
  json officer_changes = json::array();
  for (const auto& o : s.officer_changes)
    officer_changes.push_back({{"seq", o.seq},
                               {"utc", format_utc(o.utc)},
                               {"officer_id", o.officer_id},
                               {"change", std::string(common::record::to_string(o.change))}});
  json places = json::array();
  for (const auto& p : s.places) {
    const auto& pl = p.place;
    const bool fixed = pl.fix != common::record::fix_quality::none;
    places.push_back(
        {{"seq", p.seq},
         {"utc", format_utc(p.utc)},
         {"trigger", std::string(common::record::to_string(pl.trigger))},
         {"fix", std::string(common::record::to_string(pl.fix))},
         {"position", common::record::place_position_text(pl.fix, pl.latitude_e7, pl.longitude_e7)},
         {"latitude_e7", fixed ? json(pl.latitude_e7) : json(nullptr)},
         {"longitude_e7", fixed ? json(pl.longitude_e7) : json(nullptr)},
         {"altitude_mm", pl.fix == common::record::fix_quality::fix_3d ? json(pl.altitude_mm) : json(nullptr)},
         {"horizontal_accuracy_mm", fixed && pl.horizontal_accuracy_known ? json(pl.horizontal_accuracy_mm) : json(nullptr)},
         {"gnss_utc", fixed && pl.gnss_utc != common::record::utc_time{} ? json(format_utc(pl.gnss_utc)) : json(nullptr)},
         {"detail", pl.detail}});
  }
  json sj{{"session", s.session.to_hex()},
          {"officer_id", s.officer_id},
          {"officers", s.officers()},
          {"officer_changes", officer_changes},
          {"actions", actions},
          {"marks", marks},
          {"places", places},
          {"first_seq", s.first_seq},
          {"last_seq", s.last_seq},
          {"start_utc", format_utc(s.start_utc)},
          {"segments", segments},
          {"statements", statements},
          {"photos", photos},
          {"interruptions", gaps},
          {"notes", s.notes}};
  if (s.stop_utc) sj["stop_utc"] = format_utc(*s.stop_utc);
  if (s.stop_reason) sj["stop_reason"] = std::string(common::record::to_string(*s.stop_reason));
  return sj;
}

json render_json(const audit_report& report) {
  json devices = json::array();
  for (const auto& d : report.devices) {
    json sessions = json::array();
    for (const auto& s : d.sessions) sessions.push_back(session_json(s));
    json prechecks = json::array();
    for (const auto& p : d.prechecks) {
      json warnings = json::array();
      for (const auto& w : p.warnings)
        warnings.push_back(
            {{"check", w.check}, {"status", std::string(common::record::to_string(w.status))}, {"detail", w.detail}});
      prechecks.push_back({{"seq", p.seq},
                           {"utc", format_utc(p.utc)},
                           {"outcome", std::string(common::record::to_string(p.outcome))},
                           {"warnings", warnings}});
    }
    json clock = json::array();
    for (const auto& c : d.clock) {
      json cj{{"seq", c.seq},
              {"utc", format_utc(c.utc)},
              {"source", std::string(common::record::to_string(c.source))},
              {"error_bound_ms", c.error_bound.count()}};
      if (c.offset) cj["offset_ms"] = std::chrono::duration<double, std::milli>(*c.offset).count();
      if (!c.dock_id.empty()) cj["dock_id"] = c.dock_id;
      if (c.change != clock_change::none) {
        cj["change"] = std::string(to_string(c.change));
        cj["step_ms"] = c.step.count();
      }
      clock.push_back(std::move(cj));
    }
    json receipts = json::array();
    for (const auto& r : d.receipts)
      receipts.push_back({{"name", r.name},
                          {"issuer", r.issuer},
                          {"first_seq", r.first_seq},
                          {"end_seq", r.end_seq},
                          {"stored_utc", format_utc(r.stored_utc)},
                          {"signature_ok", r.signature_ok},
                          {"problem", r.problem}});
    json idle = json::array();
    for (const auto& g : d.idle_gaps) idle.push_back(gap_json(g));
    json dj{{"device", d.device.str()},
            {"verdict", std::string(chain::to_string(d.verdict))},
            {"exit_code", chain::exit_code(d.verdict)},
            {"sessions", sessions},
            {"interruptions_outside_sessions", idle},
            {"prechecks", prechecks},
            {"clock", clock},
            {"receipts", receipts},
            {"late_count", d.late_count},
            {"problems", d.problems}};
    json findings = json::array();
    for (const auto& f : d.store_findings) findings.push_back(store_finding_json(f));
    dj["store_findings"] = std::move(findings);
    if (d.key) {
      dj["key_fingerprint"] = d.key->fingerprint().to_hex();
      dj["chain"] = common::chain::report_to_json(d.chain, {d.device, *d.key, true, std::nullopt});
    }
    devices.push_back(std::move(dj));
  }
  json j{{"format", "bodycam-audit"},
         {"version", 1},
         {"store", report.store},
         {"generated_utc", format_utc(report.generated_utc)},
         {"sample", std::to_string(report.sample_slice) + "/" + std::to_string(report.sample_slices)},
         {"verdict", std::string(chain::to_string(report.verdict))},
         {"exit_code", chain::exit_code(report.verdict)},
         {"devices", devices}};
  if (report.access) j["access_register"] = register_json(*report.access);
  if (report.retention) j["retention_register"] = register_json(*report.retention);
  return j;
}

}  // namespace bodycam::tools::audit
