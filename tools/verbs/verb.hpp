// Each verb of `bodycam` registers its subcommand and the code it runs. A verb's action returns the process
// exit code; verbs print their own reports and errors (errors to stderr, naming what and where).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace bodycam::tools::verbs {

// Set by the chosen subcommand's callback; main() returns it.
struct run_result {
  int exit_code = 0;
};

void add_keygen(CLI::App& app, run_result& result);
void add_verify(CLI::App& app, run_result& result);
void add_simulate(CLI::App& app, run_result& result);
void add_enroll(CLI::App& app, run_result& result);
void add_audit(CLI::App& app, run_result& result);
void add_export(CLI::App& app, run_result& result);
void add_copy(CLI::App& app, run_result& result);
void add_approve(CLI::App& app, run_result& result);
void add_retention(CLI::App& app, run_result& result);
void add_doctor(CLI::App& app, run_result& result);
void add_agency(CLI::App& app, run_result& result);
void add_witness(CLI::App& app, run_result& result);
void add_note(CLI::App& app, run_result& result);
void add_stats(CLI::App& app, run_result& result);
void add_decrypt(CLI::App& app, run_result& result);
// Registered under `bodycam agency` by add_agency.
void add_agency_footage_key(CLI::App& agency, run_result& result);

// The exit codes of every verb (tools/README.md, docs/operations.md). 0..3 are the verifier's and keep their
// meaning for verify and audit; the other verbs use 0 for done and 3 for "refused or could not: nothing was
// done" (bad arguments a verb checks, unreadable input, an output path refused before any work).
inline constexpr int exit_ok = 0;
inline constexpr int exit_gaps = 1;            // authentic with documented gaps
inline constexpr int exit_not_authentic = 2;   // also: a register that does not verify, a conflicting key
inline constexpr int exit_cannot = 3;          // cannot verify / refused, nothing done
inline constexpr int exit_write_failed = 4;    // the work was done but its output could not be written
inline constexpr int exit_usage = 64;          // the command line was not understood (EX_USAGE)

// The footer every verb's --help ends with.
inline constexpr const char* exit_codes_footer =
    "Exit codes: 0 ok (authentic), 1 authentic with documented gaps, 2 not authentic, 3 cannot verify or "
    "refused (nothing done), 4 output could not be written, 64 command line not understood.";

// `--jobs N` (1..256): how many threads check `what`; without it, one per core. Out of range is a usage
// error (64). The verdict never depends on it.
inline void add_jobs_option(CLI::App& cmd, unsigned& jobs, const std::string& what) {
  cmd.add_option("--jobs", jobs, "Threads that check " + what + " (default: one per core; 1: no extra thread)")
      ->check(CLI::Range(1U, 256U));
}

// Puts exit_codes_footer on `app` and every subcommand under it.
inline void set_exit_codes_footer(CLI::App& app) {
  app.footer(exit_codes_footer);
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) set_exit_codes_footer(*sub);
}

}  // namespace bodycam::tools::verbs
