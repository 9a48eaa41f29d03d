// bodycam: the one command for people (DESIGN.md §7). `bodycam <verb> --help` describes each verb.
#include "tools/verbs/usage_report.hpp"
#include "tools/verbs/verb.hpp"
#include "tools/verbs/verb_suggest.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"bodycam: evidence tools for body-worn camera footage (keys, verification, audit, export)"};
  app.name("bodycam");
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
  bodycam::tools::verbs::add_approve(app, result);
  bodycam::tools::verbs::add_retention(app, result);
  bodycam::tools::verbs::add_doctor(app, result);
  bodycam::tools::verbs::add_agency(app, result);
  bodycam::tools::verbs::add_witness(app, result);
  bodycam::tools::verbs::add_note(app, result);
  bodycam::tools::verbs::add_stats(app, result);
  bodycam::tools::verbs::add_decrypt(app, result);
  bodycam::tools::verbs::set_exit_codes_footer(app);
  if (auto answered = bodycam::tools::verbs::answer_verb_words(app, std::vector<std::string>(argv + 1, argv + argc)))
    return *answered;
  try {
    app.parse(argc, argv);
  } catch (const CLI::RequiredError& e) {
    // Every missing option at once, not the first only.
    if (const auto missing = bodycam::tools::verbs::find_missing_required(app);
        missing.names.size() > 1 && !missing.verb.empty()) {
      std::fprintf(stderr, "%s\n", bodycam::tools::verbs::missing_required_text(missing).c_str());
      return bodycam::tools::verbs::exit_usage;
    }
    app.exit(e);
    return bodycam::tools::verbs::exit_usage;
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : bodycam::tools::verbs::exit_usage;
  }
  return result.exit_code;
}
