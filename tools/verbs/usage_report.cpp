#include "tools/verbs/usage_report.hpp"

namespace bodycam::tools::verbs {

missing_required find_missing_required(const CLI::App& app) {
  missing_required out;
  const CLI::App* at = &app;
  for (;;) {
    for (const auto* opt : at->get_options())
      if (opt->get_required() && opt->count() == 0)
        out.names.push_back(opt->get_positional() ? opt->get_name(true, false) : opt->get_name(false, true));
    const auto chosen = at->get_subcommands();
    if (chosen.empty()) break;
    at = chosen.front();
    out.verb += (out.verb.empty() ? "" : " ") + at->get_name();
    out.names.clear();  // only the innermost verb's own requirements matter
  }
  return out;
}

std::string missing_required_text(const missing_required& m) {
  std::string list;
  for (std::size_t i = 0; i < m.names.size(); ++i) {
    if (i > 0) list += i + 1 == m.names.size() ? " and " : ", ";
    list += m.names[i];
  }
  return "bodycam " + m.verb + ": missing " + list + " (see bodycam " + m.verb + " --help)";
}

}  // namespace bodycam::tools::verbs
