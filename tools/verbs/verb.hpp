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
void add_retention(CLI::App& app, run_result& result);
void add_doctor(CLI::App& app, run_result& result);

// Exit code for "could not do what was asked" (bad arguments, unreadable input): the verifier's
// "cannot verify".
inline constexpr int exit_cannot = 3;

}  // namespace bodycam::tools::verbs
