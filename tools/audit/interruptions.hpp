// What became of each interruption of a session, decided from the session's records alone (pure): explained
// (the session resumed and a resume statement of its own follows), unexplained (it resumed without one),
// closed for good (the camera stopped the session and nothing resumed it), recording went on (back-pressure,
// skipped frames), or not resumed in this store. The camera asks for a resume statement only when it resumes,
// so no statement is reported missing for a session that was never resumed.
// Invariants:
//  1. One explanation per event: a resume statement explains the latest interruption before it that asks for
//     one, never an earlier one too.
//  2. An interruption counts as resumed when a `session_resume` follows it before the next interruption that
//     asks, or footage or a resume statement of the session follows it before its next `session_stop`.
//  3. statement_need and resume_statement agree with the outcome; a note is added for each unexplained one.
#pragma once

#include "tools/audit/audit_report.hpp"

namespace bodycam::tools::audit {

// Sorts s.gaps by seq and sets each one's outcome, statement and resume_statement; needs s.statements,
// s.segments, s.resumes and s.stop_seqs filled in.
void explain_interruptions(session_audit& s);

}  // namespace bodycam::tools::audit
