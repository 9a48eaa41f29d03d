#include "common/record/place_text.hpp"
#include "common/record/record_json.hpp"
#include "tools/audit/chain_words.hpp"
#include "tools/audit/render.hpp"

#include <cstdio>

namespace bodycam::tools::audit {

using common::record::format_utc;
using common::record::format_utc_seconds;

namespace {

std::string statement_text(statement_need need) {
  switch (need) {
    case statement_need::present: return "resume statement present";
    case statement_need::missing: return "resume statement MISSING";
    case statement_need::not_needed: return "recording went on, no statement asked";
    case statement_need::session_ended: return "the camera ended the session here";
    case statement_need::not_resumed: return "nothing of the session follows in this store";
  }
  return "unknown";
}

std::string hours(std::chrono::nanoseconds d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f h", std::chrono::duration<double, std::ratio<3600>>(d).count());
  return text;
}

void problem_lines(std::string& out, const registers::register_book& book, const char* name) {
  out += std::string(name) + " register: " + std::to_string(book.entry_count()) + " entries, " +
         (book.is_intact() ? "chain intact" : std::to_string(book.findings.size()) + " problems") + "\n";
  for (const auto& c : book.clerks)
    for (const auto& e : c.entries)
      out += "  " + registers::entry_name(e.body) + "  " + format_utc_seconds(e.body.utc) + "  " +
             std::string(registers::to_string(e.body.kind)) + " " + e.body.action + "  dept " + e.body.department +
             "  ref " + e.body.reference + "  " + std::to_string(e.body.scopes.size()) + " scope(s), " +
             std::to_string(e.body.objects.size()) + " file(s)\n";
  for (const auto& f : book.findings) out += "  PROBLEM " + f.code + ": " + f.detail + "  [" + f.entry + "]\n";
}

std::string verdict_phrase(chain::verdict v) {
  switch (v) {
    case chain::verdict::authentic: return "authentic";
    case chain::verdict::authentic_with_gaps: return "authentic, with documented gaps";
    case chain::verdict::not_authentic: return "NOT authentic";
    case chain::verdict::cannot_verify: return "cannot be verified";
  }
  return "unknown";
}

}  // namespace

std::string render_text(const audit_report& report) {
  std::string out = "audit of " + report.store + " at " + format_utc_seconds(report.generated_utc) + "\n";
  if (report.sample_slices > 1)
    out += "re-hashed objects in slice " + std::to_string(report.sample_slice) + "/" +
           std::to_string(report.sample_slices) + " only; the others were checked for presence and length\n";
  for (const auto& d : report.devices) {
    out += "\n== device " + d.device.str();
    if (d.key) out += ", key fingerprint " + d.key->fingerprint().to_hex().substr(0, 16);
    out += ": " + verdict_phrase(d.verdict) + "\n";
    std::size_t chain_problems = d.chain.problem_count();
    out += "chain: " + std::to_string(d.chain.records.size()) + " records, " + std::to_string(chain_problems) +
           " problems, " + std::to_string(d.chain.documented_gaps) + " documented gaps\n";
    for (const auto& rr : d.chain.records)
      for (const auto& f : rr.findings)
        out += "  PROBLEM " + finding_sentence(f, &rr, d.chain, d.device) + "  [" + rr.origin + "]\n";
    for (const auto& f : d.chain.chain_findings)
      out += "  PROBLEM " + finding_sentence(f, nullptr, d.chain, d.device) + "\n";
    for (const auto& f : d.store_findings) out += "  PROBLEM " + describe(f) + "\n";
    for (const auto& p : d.problems)
      if (!is_store_finding_line(p)) out += "  PROBLEM " + p + "\n";
    for (const auto& c : d.clock) {
      out += "clock at record " + std::to_string(c.seq) + ": " + std::string(common::record::to_string(c.source)) +
             ", error bound " + std::to_string(c.error_bound.count()) + " ms";
      if (c.offset)
        out += ", dock " + c.dock_id + " measured offset " +
               std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(*c.offset).count()) + " ms";
      out += clock_change_words(c);
      out += "\n";
    }
    for (const auto& p : d.prechecks) {
      out += "pre-shift check at record " + std::to_string(p.seq) + " (" + format_utc_seconds(p.utc) +
             "): " + std::string(common::record::to_string(p.outcome)) + "\n";
      for (const auto& w : p.warnings)
        out += "  " + std::string(common::record::to_string(w.status)) + " " + w.check + ": " + w.detail + "\n";
    }
    for (const auto& g : d.idle_gaps)
      out += "interruption outside a session at record " + std::to_string(g.seq) + ": " +
             std::string(common::record::to_string(g.reason)) + " " + format_utc_seconds(g.from) + " .. " + format_utc_seconds(g.to) +
             (g.detail.empty() ? "" : " (" + g.detail + ")") + "\n";
    for (const auto& s : d.sessions) {
      out += "session " + s.session.to_hex() + " officer " + s.officer_id + ": records " + std::to_string(s.first_seq) +
             ".." + std::to_string(s.last_seq) + ", " + format_utc_seconds(s.start_utc) + " .. " +
             (s.stop_utc ? format_utc_seconds(*s.stop_utc) : std::string("(open)"));
      if (s.stop_reason) out += ", stopped: " + std::string(common::record::to_string(*s.stop_reason));
      out += ", pre-event " + std::to_string(s.pre_event.count()) + " ms\n";
      for (const auto& r : s.resumes)
        out += "  resumed (record " + std::to_string(r.seq) + ") after the stop at record " +
               std::to_string(r.resumes_seq) + ", pre-event " + std::to_string(r.pre_event.count()) + " ms\n";
      {
        std::string officers;
        for (const auto& o : s.officers()) officers += (officers.empty() ? "" : ", ") + o;
        out += "  officers: " + (officers.empty() ? std::string("none assigned") : officers) + "\n";
      }
      for (const auto& o : s.officer_changes)
        out += "  officer " + o.officer_id + " " +
               (o.change == common::record::officer_change::join ? "joined" : "left") + " (record " +
               std::to_string(o.seq) + ") " + format_utc_seconds(o.utc) + "\n";
      for (const auto& a : s.actions)
        out += "  action " + a.action + (a.case_number.empty() ? ", no case number" : ", case " + a.case_number) +
               " (record " + std::to_string(a.seq) + ") " + format_utc_seconds(a.utc) + "\n";
      for (const auto& m : s.marks)
        out += "  important moment (record " + std::to_string(m.seq) + ") " + format_utc_seconds(m.utc) +
               (m.label.empty() ? "" : ": " + m.label) + "\n";
      for (const auto& p : s.places)
        out += "  place (record " + std::to_string(p.seq) + ") " + format_utc_seconds(p.utc) + ": " +
               common::record::place_text(p.place) + "\n";
      for (const auto& st : s.statements)
        out += "  statement " + std::string(common::record::to_string(st.purpose)) + " (record " +
               std::to_string(st.seq) + "): " + std::string(common::record::to_string(st.status)) +
               (st.speech_present ? ", speech " + std::to_string(st.speech.count()) + " ms" : ", no speech") +
               ", file " + std::string(to_string(st.file.state)) + "\n";
      for (const auto& g : s.gaps)
        out += "  interruption (record " + std::to_string(g.seq) +
               "): " + std::string(common::record::to_string(g.reason)) + " " + format_utc_seconds(g.from) + " .. " +
               format_utc_seconds(g.to) + (g.detail.empty() ? "" : " (" + g.detail + ")") + ", " +
               statement_text(g.statement) + " [" + std::string(to_string(g.outcome)) + "]\n";
      for (const auto& o : s.segments) {
        out +=
            "  segment " + o.file_name + " (record " + std::to_string(o.seq) + "): " + std::string(to_string(o.state));
        if (o.state == object_state::expired) out += " (expired under policy)";
        if (!o.detail.empty() && o.state != object_state::expired) out += " (" + o.detail + ")";
        if (o.upload_delay)
          out += ", stored after " + hours(*o.upload_delay);
        else
          out += ", no receipt";
        if (o.late) out += "  LATE";
        out += "\n";
      }
      for (const auto& o : s.photos)
        out += "  photo " + o.file_name + " (record " + std::to_string(o.seq) + ") " + format_utc_seconds(o.recorded_utc) +
               ": " + std::string(to_string(o.state)) +
               (!o.detail.empty() && o.state != object_state::expired ? " (" + o.detail + ")" : "") + "\n";
      for (const auto& n : s.notes) out += "  note: " + n + "\n";
    }
    out += "receipts: " + std::to_string(d.receipts.size()) +
           "; late or unconfirmed segments (> 24 h): " + std::to_string(d.late_count) + "\n";
    for (const auto& r : d.receipts)
      if (!r.problem.empty()) out += "  receipt " + r.name + ": " + r.problem + "\n";
  }
  out += "\n";
  if (report.access) problem_lines(out, *report.access, "access");
  if (report.retention) problem_lines(out, *report.retention, "retention");
  std::size_t records = 0, problems = 0;
  std::vector<std::string> gaps;
  for (const auto& d : report.devices) {
    records += d.chain.records.size();
    problems += d.chain.problem_count() + d.problems.size();
    for (auto& g : documented_gap_lines(d.chain, d.device)) gaps.push_back(std::move(g));
    for (const auto& s : d.sessions) {
      auto expired = [&](const object_audit& o) {
        if (o.state == object_state::expired)
          gaps.push_back(d.device.str() + ", record " + std::to_string(o.seq) + ": file " + o.file_name +
                         " was deleted under the retention policy (a signed expiry event names it).");
      };
      for (const auto& o : s.segments) expired(o);
      for (const auto& st : s.statements) expired(st.file);
      for (const auto& o : s.photos) expired(o);
    }
  }
  if (report.access) problems += report.access->findings.size();
  if (report.retention) problems += report.retention->findings.size();
  out += "Store " + report.store + ": " +
         verdict_sentence(report.verdict, "the store's " + std::to_string(report.devices.size()) + " device(s)", records,
                          problems, gaps);
  return out;
}

}  // namespace bodycam::tools::audit
