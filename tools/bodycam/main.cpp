// bodycam: the one command for people (DESIGN.md §7). `bodycam <verb> --help` describes each verb.
#include "tools/verbs/verb.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"bodycam: evidence tools for body-worn camera footage (keys, verification, audit, export)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("bodycam 0.1.0"));
  bodycam::tools::verbs::run_result result;
  bodycam::tools::verbs::add_keygen(app, result);
  bodycam::tools::verbs::add_verify(app, result);
  bodycam::tools::verbs::add_simulate(app, result);
  bodycam::tools::verbs::add_enroll(app, result);
  bodycam::tools::verbs::add_audit(app, result);
  bodycam::tools::verbs::add_export(app, result);
  bodycam::tools::verbs::add_copy(app, result);
  bodycam::tools::verbs::add_retention(app, result);
  bodycam::tools::verbs::add_doctor(app, result);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : bodycam::tools::verbs::exit_cannot;
  }
  return result.exit_code;
}
