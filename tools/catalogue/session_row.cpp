#include "tools/catalogue/session_row.hpp"

#include <algorithm>
#include <set>

namespace bodycam::tools::catalogue {

namespace audit = tools::audit;
namespace registers = tools::registers;

std::vector<session_row> rows_of_device(const audit::device_audit& d, const unit_lookup& units) {
  std::vector<session_row> out;
  const std::string device = d.device.str();
  const std::string camera_unit = units.camera ? units.camera(device) : std::string();
  for (const auto& s : d.sessions) {
    session_row row;
    row.device = device;
    row.session = s.session.to_hex();
    row.officer = s.officer_id;
    for (const auto& o : s.officers())
      if (o != s.officer_id) row.joined.push_back(o);
    row.unit = !camera_unit.empty() || !units.person || s.officer_id.empty() ? camera_unit : units.person(s.officer_id);
    row.start = s.start_utc;
    row.end = s.stop_utc;
    if (s.stop_utc && *s.stop_utc > s.start_utc)
      row.duration = std::chrono::duration_cast<std::chrono::seconds>(*s.stop_utc - s.start_utc);
    row.segments = static_cast<std::uint32_t>(s.segments.size());
    for (const auto& st : s.statements) {  // C2
      switch (st.status) {
        case record::annotation_status::recorded: ++(st.speech_present ? row.statements_present : row.statements_silent); break;
        case record::annotation_status::silent: ++row.statements_silent; break;
        case record::annotation_status::missing: ++row.statements_missing; break;
      }
    }
    for (const auto& g : s.gaps) {
      ++row.interruptions[std::string(record::to_string(g.reason))];
      if (g.outcome == audit::interruption_outcome::unexplained) ++row.unexplained_gaps;
    }
    for (const auto& seg : s.segments) {
      if (seg.late) ++row.late_uploads;
      if (seg.upload_delay) {
        const auto delay = std::chrono::duration_cast<std::chrono::seconds>(*seg.upload_delay);
        if (!row.time_to_storage || delay > *row.time_to_storage) row.time_to_storage = delay;
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

void apply_notes(session_row& row, const registers::session_notes& notes) {
  const auto value = [&](registers::note_field f) {
    const auto it = notes.current.find(f);
    return it == notes.current.end() ? std::string() : it->second;
  };
  row.place = value(registers::note_field::place);
  row.party = value(registers::note_field::party);
  row.case_number = value(registers::note_field::case_number);
  row.category = value(registers::note_field::category);
  row.text = value(registers::note_field::text);
  std::set<std::pair<std::string, std::uint64_t>> entries;
  for (const auto& h : notes.history) entries.insert({h.author, h.seq});
  row.note_entries = static_cast<std::uint32_t>(entries.size());
}

std::vector<export_row> exports_of(const registers::register_book& access) {
  std::set<std::string> flagged;
  for (const auto& f : access.findings) flagged.insert(f.entry);
  std::vector<export_row> out;
  for (const auto& chain : access.clerks)
    for (const auto& e : chain.entries) {
      if (e.body.action != "export" || flagged.contains("access/" + registers::entry_name(e.body))) continue;
      for (const auto& scope : e.body.scopes)
        out.push_back({scope.device.str(), scope.session.is_none() ? std::string() : scope.session.to_hex(), e.body.utc,
                       e.body.clerk, e.body.reference, scope.from, scope.to});
    }
  return out;
}

}  // namespace bodycam::tools::catalogue
