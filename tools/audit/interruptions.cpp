#include "tools/audit/interruptions.hpp"

#include <algorithm>
#include <limits>

namespace bodycam::tools::audit {

std::string_view to_string(interruption_outcome outcome) noexcept {
  switch (outcome) {
    case interruption_outcome::explained: return "explained";
    case interruption_outcome::unexplained: return "unexplained";
    case interruption_outcome::closed_for_good: return "closed_for_good";
    case interruption_outcome::recording_went_on: return "recording_went_on";
    case interruption_outcome::not_resumed: return "not_resumed";
  }
  return "unknown";
}

namespace {

bool any_in(const std::vector<std::uint64_t>& seqs, std::uint64_t after, std::uint64_t before) {
  return std::any_of(seqs.begin(), seqs.end(), [&](std::uint64_t q) { return q > after && q < before; });
}

statement_need statement_for(interruption_outcome outcome) {
  switch (outcome) {
    case interruption_outcome::explained: return statement_need::present;
    case interruption_outcome::unexplained: return statement_need::missing;
    case interruption_outcome::closed_for_good: return statement_need::session_ended;
    case interruption_outcome::recording_went_on: return statement_need::not_needed;
    case interruption_outcome::not_resumed: return statement_need::not_resumed;
  }
  return statement_need::missing;
}

}  // namespace

void explain_interruptions(session_audit& s) {
  std::vector<std::uint64_t> explaining;  // resume statements that were given (recorded or silent)
  std::vector<std::uint64_t> activity;    // footage and resume statements of any status: the session went on
  std::vector<std::uint64_t> resumes;     // session_resume records
  for (const auto& st : s.statements)
    if (st.purpose == record::annotation_purpose::resume) {
      activity.push_back(st.seq);
      if (st.status != record::annotation_status::missing) explaining.push_back(st.seq);
    }
  for (const auto& o : s.segments) activity.push_back(o.seq);
  for (const auto& r : s.resumes) resumes.push_back(r.seq);
  std::sort(s.gaps.begin(), s.gaps.end(), [](const gap_audit& a, const gap_audit& b) { return a.seq < b.seq; });

  std::vector<gap_audit*> asking;  // the interruptions that stopped the recording, in seq order
  for (auto& g : s.gaps) {
    if (g.reason == record::interruption_reason::back_pressure || g.reason == record::interruption_reason::source_gap)
      g.outcome = interruption_outcome::recording_went_on;
    else
      asking.push_back(&g);
  }
  constexpr auto none = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t i = 0; i < asking.size(); ++i) {
    gap_audit& g = *asking[i];
    const std::uint64_t next = i + 1 < asking.size() ? asking[i + 1]->seq : none;
    std::uint64_t stop = none;
    for (const auto q : s.stop_seqs)
      if (q > g.seq && q < next) stop = std::min(stop, q);
    // Invariant 2.
    const bool resumed = any_in(resumes, g.seq, next) || any_in(activity, g.seq, stop);
    if (!resumed)
      g.outcome = stop != none ? interruption_outcome::closed_for_good : interruption_outcome::not_resumed;
    else if (any_in(explaining, g.seq, next))  // invariant 1: before the next one that asks
      g.outcome = interruption_outcome::explained;
    else
      g.outcome = interruption_outcome::unexplained;
    if (g.outcome == interruption_outcome::unexplained)
      s.notes.push_back("resume statement missing after the interruption at record " + std::to_string(g.seq));
  }
  for (auto& g : s.gaps) {  // invariant 3
    g.statement = statement_for(g.outcome);
    g.resume_statement = g.statement == statement_need::present;
  }
}

}  // namespace bodycam::tools::audit
