#include "tools/audit/chain_words.hpp"

#include "common/chain/report_json.hpp"
#include "common/record/record_json.hpp"

namespace bodycam::tools::audit {

namespace chain = common::chain;
namespace record = common::record;

namespace {

std::string seqs(std::uint64_t first, std::uint64_t last) {
  return first == last ? "record " + std::to_string(first) : "records " + std::to_string(first) + "–" + std::to_string(last);
}

std::string capital(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string clock_text(record::utc_time t) { return record::format_utc(t).substr(11, 8); }

std::string seconds_text(std::chrono::nanoseconds d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

std::string why(record::interruption_reason r) {
  using ir = record::interruption_reason;
  switch (r) {
    case ir::power_loss: return "the camera lost power; what it had written was salvaged and recording resumed";
    case ir::crash: return "the recorder stopped unexpectedly and restarted; recording resumed";
    case ir::low_battery: return "the battery reached its reserve and the camera stopped recording";
    case ir::storage_full: return "the camera's storage was full and nothing could be freed, so it stopped";
    case ir::encoder_fault: return "the video encoder failed";
    case ir::disk_fault: return "writing to the camera's storage failed";
    case ir::back_pressure: return "the camera fell behind and made its inputs wait; no frame was dropped";
    case ir::source_gap: return "the camera or microphone skipped frames while recording went on";
    case ir::pipeline_fault: return "a capture, encode or write stage failed";
    case ir::other: return "the camera gave no further reason";
  }
  return "unknown reason";
}

std::string spaced(std::string_view code) {
  std::string s(code);
  for (auto& c : s)
    if (c == '_') c = ' ';
  return s;
}

}  // namespace

std::string finding_sentence(const chain::finding& f, const chain::record_report* rr, const chain::chain_report& report,
                             const record::device_id& device) {
  const std::string dev = device.str();
  const bool has_seq = rr && rr->parsed;
  const std::uint64_t seq = has_seq ? rr->parsed->body.seq : 0;
  const std::string this_record = has_seq ? "Record " + std::to_string(seq) + " of " + dev
                                      : "The record stored at " + (rr ? rr->origin : std::string("?"));
  const std::string detail = f.detail.empty() ? "" : " (" + f.detail + ")";
  using r = chain::reason;
  switch (f.code) {
    case r::seq_gap:
      if (has_seq)
        for (const auto& m : report.missing)
          if (m.last + 1 == seq)
            return capital(seqs(m.first, m.last)) + " of " + dev + (m.first == m.last ? " is" : " are") +
                   " missing.";
      return this_record + " follows a gap: records before it are missing" + detail + ".";
    case r::malformed: return this_record + " cannot be read as a record" + detail + ".";
    case r::unknown_version: return this_record + " has a format version this program does not know" + detail + ".";
    case r::wrong_device: return this_record + " belongs to another device" + detail + ".";
    case r::wrong_key: return "No record of " + dev + " verifies under the key given" + detail + ".";
    case r::bad_signature:
      return this_record + " does not carry a valid signature of " + dev + "'s key: it was altered or forged.";
    case r::seq_repeated: return this_record + " is stored twice (identical copies).";
    case r::fork: return "Two different records of " + dev + " claim seq " + (has_seq ? std::to_string(seq) : "?") +
                         ": the chain was forked" + detail + ".";
    case r::prev_hash_mismatch:
      return this_record + " does not link to the record before it: a record was altered, removed or inserted.";
    case r::boot_counter_backwards: return this_record + " has a boot counter lower than the record before" + detail + ".";
    case r::time_backwards: return this_record + "'s clock went backwards within one boot" + detail + ".";
    case r::seq_mismatch: return this_record + " is stored under another seq than its own" + detail + ".";
    case r::missing_tail:
      return "A signed checkpoint says " + dev + " has more records than are here: " + f.detail + ".";
    case r::checkpoint_mismatch: return "The checkpoint's head record of " + dev + " has another hash" + detail + ".";
    case r::bad_checkpoint: return "The checkpoint does not verify" + detail + ".";
  }
  return capital(spaced(chain::to_string(f.code))) + detail + ".";
}

std::vector<std::string> documented_gap_lines(const chain::chain_report& report, const record::device_id& device) {
  std::vector<std::string> out;
  for (const auto& rr : report.records) {
    if (!rr.parsed || rr.parsed->body.device != device) continue;
    const auto& body = rr.parsed->body;
    const std::string where = device.str() + ", ";
    const std::string at = ", record " + std::to_string(body.seq);
    if (const auto* i = std::get_if<record::interruption_payload>(&body.body)) {
      out.push_back(where + clock_text(i->from) + "–" + clock_text(i->to) + " UTC on " +
                    record::format_utc(i->from).substr(0, 10) + " (" + seconds_text(i->to - i->from) + ")" + at +
                    ": " + spaced(record::to_string(i->reason)) + " — " + why(i->reason) +
                    (i->detail.empty() ? "" : " (" + i->detail + ")") + ".");
    } else if (const auto* c = std::get_if<record::recovery_payload>(&body.body)) {
      out.push_back(where + record::format_utc_seconds(body.utc.time) + at + ": recovery after " +
                    spaced(record::to_string(c->cause)) + " — " +
                    (c->file_name.empty() ? "no open file needed salvaging"
                                          : "file " + c->file_name + " was salvaged (" +
                                                std::to_string(c->salvaged_fragments) + " signed fragments, " +
                                                std::to_string(c->unsigned_tail_bytes) + " bytes unsigned at its end)") +
                    ".");
    } else if (const auto* s = std::get_if<record::segment_payload>(&body.body);
               s && (s->unsigned_tail_bytes > 0 || s->closed_by == record::close_reason::power_loss_recovered)) {
      const std::string head = where + record::format_utc_seconds(body.utc.time) + at + ": segment " + s->file_name;
      if (s->closed_by == record::close_reason::power_loss_recovered)
        out.push_back(head + " was closed after a power loss; " +
                      (s->unsigned_tail_bytes == 0
                           ? std::string("every byte of it on the camera was signed.")
                           : "its last " + std::to_string(s->unsigned_tail_bytes) +
                                 " bytes were written but could not be signed."));
      else  // closed normally, with bytes written at its close that no fragment covers (e.g. an index)
        out.push_back(head + " ends with " + std::to_string(s->unsigned_tail_bytes) +
                      " bytes written when it was closed that no signed fragment covers.");
    }
  }
  return out;
}

std::string verdict_sentence(chain::verdict v, const std::string& subject, std::size_t record_count,
                             std::size_t problem_count, const std::vector<std::string>& gap_lines) {
  switch (v) {
    case chain::verdict::authentic:
      return "Authentic: all " + std::to_string(record_count) + " records of " + subject +
             " verify and none is missing.\n";
    case chain::verdict::authentic_with_gaps: {
      if (gap_lines.empty()) return "Authentic, with documented gaps in " + subject + " (listed above).\n";
      std::string out = "Authentic, with " + std::to_string(gap_lines.size()) + " documented gap" +
                        (gap_lines.size() == 1 ? "" : "s") + " (" + subject + "; each was recorded by the camera "
                        "when it happened):\n";
      for (const auto& g : gap_lines) out += "  - " + g + "\n";
      return out;
    }
    case chain::verdict::not_authentic:
      return "NOT authentic: " + std::to_string(problem_count) + " problem" + (problem_count == 1 ? "" : "s") +
             " in " + subject + ", listed above. Do not rely on the records or files named there.\n";
    case chain::verdict::cannot_verify:
      return "Cannot verify " + subject + ": see the reasons above.\n";
  }
  return "";
}

namespace {

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

}  // namespace

std::string chain_lines(const chain::chain_report& report, const chain::verify_options& options) {
  std::string out = "Device " + options.device.str() + ", key fingerprint " +
                    options.key.fingerprint().to_hex().substr(0, 16) + "\n";
  for (const auto& rr : report.records) {
    std::string line;
    if (rr.parsed) {
      const auto& body = rr.parsed->body;
      line = pad("seq " + std::to_string(body.seq), 12) + pad(std::string(record::to_string(body.kind())), 15) +
             pad(record::format_utc_seconds(body.utc.time), 22);
    } else {
      line = pad("?", 12) + pad("?", 15) + pad("", 22);
    }
    if (rr.is_ok()) {
      line += "ok";
      if (rr.parsed) line += "    " + chain::record_story(rr.parsed->body);
    } else {
      line += "PROBLEM";
    }
    out += line + "\n";
    for (const auto& f : rr.findings)
      out += "            " + finding_sentence(f, &rr, report, options.device) + "  [" + rr.origin + "]\n";
  }
  for (const auto& f : report.chain_findings) out += finding_sentence(f, nullptr, report, options.device) + "\n";
  return out;
}

std::string chain_text(const chain::chain_report& report, const chain::verify_options& options) {
  return chain_lines(report, options) + verdict_sentence(report.result, options.device.str(), report.records.size(),
                                                         report.problem_count(),
                                                         documented_gap_lines(report, options.device));
}

std::string clock_change_words(const clock_audit& c) {
  const auto ms = c.step.count();
  const auto magnitude = std::to_string((ms < 0 ? -ms : ms) / 1000) + "." + std::to_string((ms < 0 ? -ms : ms) % 1000 / 100);
  switch (c.change) {
    case clock_change::none: return {};
    case clock_change::set_within_boot:
      return std::string(", clock set ") + (ms < 0 ? "back " : "forward ") + magnitude + " s within this boot";
    case clock_change::behind_previous_boot: return ", clock " + magnitude + " s behind the previous boot's last record";
  }
  return {};
}

}  // namespace bodycam::tools::audit
