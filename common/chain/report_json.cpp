#include "common/chain/report_json.hpp"

#include "common/record/place_text.hpp"
#include "common/record/record_json.hpp"

#include <map>

namespace bodycam::common::chain {

namespace {

nlohmann::json findings_json(const std::vector<finding>& findings) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : findings) out.push_back({{"reason", std::string(to_string(f.code))}, {"detail", f.detail}});
  return out;
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string ms_text(std::chrono::milliseconds ms) {
  const auto tenths = ms.count() / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

// What a record says, in one line, so the text report tells the story: every reason code, every statement.
struct story_of {
  std::string operator()(const record::boot_payload& p) const {
    return "firmware " + p.firmware_version + ", previous shutdown " + std::string(record::to_string(p.previous_shutdown));
  }
  std::string operator()(const record::precheck_payload& p) const {
    std::string t = std::string(record::to_string(p.outcome));
    for (const auto& item : p.items)
      if (item.status != record::check_status::ok)
        t += "; " + item.check + " " + std::string(record::to_string(item.status)) + ": " + item.detail;
    return t;
  }
  std::string operator()(const record::session_start_payload& p) const {
    return "session " + p.session.to_hex().substr(0, 8) + " by " + std::string(record::to_string(p.trigger)) +
           (p.officer_id.empty() ? "" : ", officer " + p.officer_id);
  }
  std::string operator()(const record::segment_payload& p) const {
    return "session " + p.session.to_hex().substr(0, 8) + " #" + std::to_string(p.index) + " " + p.file_name + " " +
           std::to_string(p.byte_length) + " B, closed by " + std::string(record::to_string(p.closed_by)) +
           (p.unsigned_tail_bytes ? ", unsigned tail " + std::to_string(p.unsigned_tail_bytes) + " B" : "");
  }
  std::string operator()(const record::annotation_payload& p) const {
    return std::string(record::to_string(p.purpose)) + " statement " + std::string(record::to_string(p.status)) +
           (p.status == record::annotation_status::missing
                ? ""
                : ", " + ms_text(p.duration) + (p.speech_present ? ", speech " + ms_text(p.speech) : ", NO SPEECH"));
  }
  std::string operator()(const record::interruption_payload& p) const {
    const auto lost = std::chrono::duration_cast<std::chrono::milliseconds>(p.to - p.from);
    return "reason " + std::string(record::to_string(p.reason)) + ", " + ms_text(lost) + " from " +
           record::format_utc(p.from).substr(11, 12) + (p.detail.empty() ? "" : ": " + p.detail);
  }
  std::string operator()(const record::recovery_payload& p) const {
    return std::string(record::to_string(p.cause)) + (p.file_name.empty() ? "" : ", salvaged " + p.file_name) +
           " (" + std::to_string(p.salvaged_fragments) + " fragments, unsigned tail " +
           std::to_string(p.unsigned_tail_bytes) + " B)";
  }
  std::string operator()(const record::session_stop_payload& p) const {
    return "session " + p.session.to_hex().substr(0, 8) + " reason " + std::string(record::to_string(p.reason)) + ", " +
           std::to_string(p.segment_count) + " segments" + (p.detail.empty() ? "" : ": " + p.detail);
  }
  std::string operator()(const record::timesync_payload& p) const {
    const auto offset = std::chrono::duration_cast<std::chrono::milliseconds>(p.offset);
    return "dock " + p.dock_id + ", offset " + std::to_string(offset.count()) + " ms";
  }
  std::string operator()(const record::receipt_payload& p) const {
    return "from " + p.issuer + ": records < " + std::to_string(p.covered_count) + " stored";
  }
  std::string operator()(const record::reclaim_payload& p) const {
    return std::to_string(p.files.size()) + " files freed under receipt seq " + std::to_string(p.receipt_seq);
  }
  std::string operator()(const record::key_rotate_payload& p) const { return "new key: " + p.reason; }
  std::string operator()(const record::config_payload& p) const { return p.summary; }
  std::string operator()(const record::session_resume_payload& p) const {
    return "session " + p.session.to_hex().substr(0, 8) + " resumed by " + std::string(record::to_string(p.trigger)) +
           " after the stop at record " + std::to_string(p.resumes_seq) + ", pre-event " + ms_text(p.pre_event) +
           (p.officer_id.empty() ? "" : ", officer " + p.officer_id);
  }
  std::string operator()(const record::action_payload& p) const {
    return "session " + p.session.to_hex().substr(0, 8) + " action " + p.action +
           (p.case_number.empty() ? ", no case number" : ", case " + p.case_number);
  }
  std::string operator()(const record::mark_payload& p) const {
    return "session " + p.session.to_hex().substr(0, 8) + " important moment" + (p.label.empty() ? "" : ": " + p.label);
  }
  std::string operator()(const record::officer_payload& p) const {
    return "session " + p.session.to_hex().substr(0, 8) + " officer " + p.officer_id + " " +
           (p.change == record::officer_change::join ? "joined" : "left");
  }
  std::string operator()(const record::place_payload& p) const {
    return "session " + p.session.to_hex().substr(0, 8) + " place " + record::place_text(p);
  }
  std::string operator()(const record::photo_payload& p) const {
    return "session " + p.session.to_hex().substr(0, 8) + " photo " + p.file_name + " (" + std::to_string(p.width) +
           "x" + std::to_string(p.height) + ", " + std::to_string(p.byte_length) + " bytes)";
  }
};

}  // namespace

std::string record_story(const record::record& r) { return std::visit(story_of{}, r.body); }

nlohmann::json report_to_json(const chain_report& report, const verify_options& options) {
  nlohmann::json records = nlohmann::json::array();
  std::map<std::string, std::uint64_t> kinds;
  std::size_t ok = 0;
  for (const auto& rr : report.records) {
    nlohmann::json entry{{"origin", rr.origin}, {"status", rr.is_ok() ? "ok" : "problem"},
                         {"findings", findings_json(rr.findings)}};
    if (rr.parsed) {
      const auto& body = rr.parsed->body;
      entry["seq"] = body.seq;
      entry["kind"] = std::string(record::to_string(body.kind()));
      entry["hash"] = rr.parsed->hash.to_hex();
      entry["utc"] = record::format_utc(body.utc.time);
      entry["boot_counter"] = body.boot_counter;
      entry["payload"] = record::payload_to_json(body.body);
      ++kinds[std::string(record::to_string(body.kind()))];
    }
    if (rr.is_ok()) ++ok;
    records.push_back(std::move(entry));
  }
  nlohmann::json missing = nlohmann::json::array();
  for (const auto& m : report.missing) missing.push_back({m.first, m.last});
  return nlohmann::json{
      {"device", options.device.str()},
      {"key_fingerprint", options.key.fingerprint().to_hex()},
      {"verdict", std::string(to_string(report.result))},
      {"exit_code", exit_code(report.result)},
      {"summary",
       {{"records", report.records.size()},
        {"ok", ok},
        {"problems", report.problem_count()},
        {"missing", missing},
        {"documented_gaps", report.documented_gaps},
        {"kinds", kinds}}},
      {"chain_findings", findings_json(report.chain_findings)},
      {"records", records},
  };
}

std::string report_to_text(const chain_report& report, const verify_options& options) {
  std::string out = "device " + options.device.str() + ", key fingerprint " +
                    options.key.fingerprint().to_hex().substr(0, 16) + "\n";
  std::size_t ok = 0;
  for (const auto& rr : report.records) {
    std::string line;
    if (rr.parsed) {
      const auto& body = rr.parsed->body;
      line = pad("seq " + std::to_string(body.seq), 12) + pad(std::string(record::to_string(body.kind())), 15) +
             pad(record::format_utc(body.utc.time).substr(0, 19) + "Z", 22);
    } else {
      line = pad("?", 12) + pad("?", 15) + pad("", 22);
    }
    if (rr.is_ok()) {
      ++ok;
      line += "ok";
      if (rr.parsed) line += "    " + record_story(rr.parsed->body);
    } else {
      for (std::size_t i = 0; i < rr.findings.size(); ++i)
        line += (i ? "; " : "") + std::string(to_string(rr.findings[i].code)) + ": " + rr.findings[i].detail;
      line += "  [" + rr.origin + "]";
    }
    out += line + "\n";
  }
  for (const auto& f : report.chain_findings)
    out += "chain: " + std::string(to_string(f.code)) + ": " + f.detail + "\n";
  if (report.documented_gaps > 0)
    out += "documented gaps: " + std::to_string(report.documented_gaps) +
           " (interruption/recovery records, segments with unsigned tails)\n";
  out += "verdict: " + std::string(to_string(report.result)) + " (exit " + std::to_string(exit_code(report.result)) +
         "): " + std::to_string(report.records.size()) + " records, " + std::to_string(ok) + " ok, " +
         std::to_string(report.problem_count()) + " problems\n";
  return out;
}

}  // namespace bodycam::common::chain
